{
  "targets": [
    {
      "target_name": "sev_guest",
      "sources": ["native/sev-guest.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
