const ARRIVED = 0;
const GENERATION = 1;

function barrier(control, workers) {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === workers - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    Atomics.wait(control, GENERATION, generation); //~ wait-outside-loop
  }
}

self.onmessage = ({ data: { id, workers, control, data } }) => {
  let stale = 0;
  for (let round = 1; round <= 1000; round++) {
    data[id] = round;
    barrier(control, workers);
    if (data[(id + 1) % workers] !== round) stale++;
    barrier(control, workers);
  }
  self.postMessage(stale);
};
