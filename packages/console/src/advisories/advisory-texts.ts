/**
 * Short texts for the vendor advisories a TCB evaluation names, bundled so the console explains
 * them offline. The list covers every advisory ID in the real vectors (../shared/vectors; a test
 * keeps it so). Where this table names the issue it says so in a line; where it does not (the
 * `issue` is absent), the text says only what the vendor's TCB data implies, and the vendor's
 * page is the place to read more.
 */

export interface AdvisoryText {
  /** The issue, as its vendor or its finders call it; absent where this table does not name it. */
  issue?: string;
  /** One or two sentences: what it exposes and what fixes it. */
  text: string;
}

const IPU = (release: string): AdvisoryText => ({
  text: `An advisory of Intel's ${release} platform update (microcode, BIOS or SGX software). A platform listing it lacks that update or a mitigation it needs; Intel's page names the processors and the fix.`,
});
const UNNAMED: AdvisoryText = {
  text: 'An Intel advisory that Intel\'s TCB evaluation data attaches to this platform\'s TCB level: the platform lacks the update or the configuration it calls for. Intel\'s page names the issue and the fix.',
};

export const ADVISORY_TEXTS: Readonly<Record<string, AdvisoryText>> = {
  'INTEL-SA-00106': UNNAMED,
  'INTEL-SA-00115': {
    issue: 'Speculative Store Bypass and Rogue System Register Read (Spectre variants 4 and 3a)',
    text: 'Speculative execution may expose memory or system register values through a side channel. Fixed by microcode; software may add barriers.',
  },
  'INTEL-SA-00135': UNNAMED,
  'INTEL-SA-00161': {
    issue: 'L1 Terminal Fault (Foreshadow)',
    text: 'Speculative reads through not-present page table entries may leak L1 data cache contents, enclave memory included. Fixed by microcode; with hyper-threading on, a sibling thread can still observe the cache.',
  },
  'INTEL-SA-00202': UNNAMED,
  'INTEL-SA-00203': UNNAMED,
  'INTEL-SA-00219': IPU('2019.2'),
  'INTEL-SA-00220': IPU('2019.2'),
  'INTEL-SA-00233': {
    issue: 'Microarchitectural Data Sampling (MDS: RIDL, Fallout, ZombieLoad)',
    text: 'Data in store buffers, fill buffers and load ports may be sampled by code on the same core through a side channel. Fixed by microcode that clears the buffers; hyper-threading siblings remain a concern.',
  },
  'INTEL-SA-00270': {
    issue: 'TSX Asynchronous Abort (TAA)',
    text: 'An aborting TSX transaction may forward stale buffer data to a side channel, as MDS does. Fixed by microcode, or by turning TSX off.',
  },
  'INTEL-SA-00289': {
    issue: 'Voltage settings modification (Plundervolt)',
    text: "Software that controls the processor's voltage can induce faults in enclave computations. Fixed by microcode and BIOS that lock the voltage interface while SGX is on.",
  },
  'INTEL-SA-00293': IPU('2020.1'),
  'INTEL-SA-00320': {
    issue: 'Special Register Buffer Data Sampling (SRBDS, CrossTalk)',
    text: 'Results of RDRAND, RDSEED and some other instructions may be sampled from a buffer shared across cores. Fixed by microcode.',
  },
  'INTEL-SA-00329': {
    issue: 'L1D Eviction Sampling and Vector Register Sampling (CacheOut)',
    text: 'Data evicted from the L1 data cache, or held in vector registers, may be sampled through a side channel, enclave data included. Fixed by microcode.',
  },
  'INTEL-SA-00334': {
    issue: 'Load Value Injection (LVI)',
    text: 'An attacker may inject values into the transient loads of an enclave. Mitigated in the enclave itself, by compiler hardening (fences after loads): the reason such platforms are SWHardeningNeeded.',
  },
  'INTEL-SA-00381': IPU('2020.2'),
  'INTEL-SA-00389': {
    issue: 'RAPL power reporting (Platypus)',
    text: "The running average power limit interface can reveal an enclave's data through its power draw. Fixed by microcode that filters the energy readings while SGX is on.",
  },
  'INTEL-SA-00477': IPU('2021.1'),
  'INTEL-SA-00586': UNNAMED,
  'INTEL-SA-00614': {
    text: "An advisory whose fix Intel shipped in its August 2022 microcode release (microcode-20220809, beside ÆPIC Leak's INTEL-SA-00657): a platform listing it lacks that microcode, through a BIOS update or the OS's microcode package. Intel's page names the issue.",
  },
  'INTEL-SA-00615': {
    issue: 'Processor MMIO Stale Data',
    text: 'Memory-mapped I/O operations may leave stale data where a side channel can read it. Fixed by microcode with software mitigations: enclaves are advised to harden (SWHardeningNeeded).',
  },
  'INTEL-SA-00617': {
    text: "CVE-2022-21151, fixed by Intel's May 2022 microcode release (microcode-20220510): a platform listing it lacks that microcode, through a BIOS update or the OS's microcode package. Intel's page describes the issue.",
  },
  'INTEL-SA-00657': {
    issue: 'Stale data read from the legacy xAPIC (ÆPIC Leak)',
    text: 'Reads of the APIC MMIO range in xAPIC mode may return stale data from the cache hierarchy, enclave data included. Fixed by microcode and by running in x2APIC mode.',
  },
  'INTEL-SA-00730': IPU('2023.1 (3rd Generation Xeon Scalable processors)'),
  'INTEL-SA-00738': IPU('2023.1 (Xeon processors)'),
  'INTEL-SA-00767': IPU('2023.1'),
  'INTEL-SA-00828': {
    issue: 'Gather Data Sampling (Downfall)',
    text: 'Vector gather instructions may forward stale data from internal vector registers to a side channel, across security boundaries including enclaves. Fixed by microcode (2023.3 platform update).',
  },
  'INTEL-SA-00837': IPU('2023.3 (Xeon processors)'),
  'INTEL-SA-00960': {
    issue: 'Protection mechanism failure with Intel SGX or Intel TDX (CVE-2023-22655)',
    text: 'A protection mechanism of some 3rd and 4th Generation Xeon processors fails when SGX or TDX is in use, so a privileged local user (the host) may escalate privilege. Fixed by microcode (Intel\'s March 2024 release, microcode-20240312), which an SGX or TDX platform loads from its BIOS (FIT) for attestation to reflect it.',
  },
  'INTEL-SA-00982': UNNAMED,
  'INTEL-SA-00986': UNNAMED,
  'INTEL-SA-01036': {
    issue: 'Intel TDX module input validation (CVE-2023-45745)',
    text: 'The TDX module (the SEAM software that runs trust domains) before version 1.5.05.46.698 validates some input improperly, so a privileged local user (the host) may escalate privilege. Fixed by a newer TDX module, loaded by the BIOS or the host\'s SEAM loader.',
  },
  'INTEL-SA-01079': {
    issue: 'Intel SGX on some Xeon processors (CVE-2024-23918)',
    text: 'Some Xeon processors using SGX may let a privileged local user escalate privilege. Fixed by microcode (Intel\'s November 2024 release, microcode-20241112; some models were fixed by an earlier one), which an SGX platform loads from its BIOS (FIT) for attestation to reflect it.',
  },
  'INTEL-SA-01099': UNNAMED,
  'INTEL-SA-01103': {
    issue: 'Running Average Power Limit (RAPL) interface (CVE-2024-23984)',
    text: 'The Running Average Power Limit interface (power reporting) of some Intel processors may disclose information. Fixed by microcode (IPU 2024.3, microcode-20240910; more models in microcode-20241112).',
  },
  'INTEL-SA-01111': UNNAMED,
};
