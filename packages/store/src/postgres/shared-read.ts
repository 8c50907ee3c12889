/**
 * Reads on the pool that concurrent callers share. With no read of a key out, a caller's read goes
 * out at once; while one is out, later callers wait together for the next, which goes out when the
 * one out is answered. Every caller's read therefore starts at the server after the caller asked
 * and sees every change committed before it asked (a statement's snapshot is taken when the
 * statement starts), as a read of its own would: sharing saves round trips, never freshness.
 * The value is shared too: callers must not change it.
 */
interface Lane<V> {
  next?: { promise: Promise<V>; resolve: (value: V) => void; reject: (reason: unknown) => void };
}

export function sharedReads<K, V>(read: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const lanes = new Map<K, Lane<V>>();
  const send = (key: K, lane: Lane<V>): Promise<V> => {
    const answer = read(key);
    const answered = (): void => {
      const next = lane.next;
      if (next === undefined) {
        lanes.delete(key);
        return;
      }
      delete lane.next;
      send(key, lane).then(next.resolve, next.reject);
    };
    answer.then(answered, answered);
    return answer;
  };
  return (key) => {
    const lane = lanes.get(key);
    if (lane === undefined) {
      const fresh: Lane<V> = {};
      lanes.set(key, fresh);
      return send(key, fresh);
    }
    if (lane.next === undefined) {
      let resolve!: (value: V) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<V>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      lane.next = { promise, resolve, reject };
    }
    return lane.next.promise;
  };
}
