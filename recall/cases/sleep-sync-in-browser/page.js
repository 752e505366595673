// Reported: https://github.com/sindresorhus/sleep-synchronously/issues/1
// A synchronous sleep built on Atomics.wait was used in a web page: Chrome threw
// "TypeError: Atomics.wait cannot be called in this context" on the first click.
import sleepSynchronously from './sleep.js';

const button = document.querySelector('#retry');
let attempts = 0;

button.addEventListener('click', () => {
  attempts++;
  // Back off before retrying, longer each time.
  sleepSynchronously(100 * attempts);
  fetch('/api/status').then((res) => {
    document.querySelector('#status').textContent = res.ok ? 'up' : `down (${attempts})`;
  });
});
