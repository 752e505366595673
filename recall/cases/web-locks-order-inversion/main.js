// Reported: https://github.com/w3c/web-locks/issues/26
// One context held lock 'A' and requested 'B' while another held 'B' and requested 'A': neither
// request was ever granted, and both the sync worker and the page froze waiting.
const sync = new Worker(new URL('./sync-worker.js', import.meta.url), { type: 'module' });
sync.onerror = (event) => console.error('sync worker failed', event.message);

export async function saveDraft(draft) {
  await navigator.locks.request('drafts', async () => {
    await navigator.locks.request('outbox', async () => { //~ lock-order-inversion
      localStorage.setItem('draft', JSON.stringify(draft));
      sync.postMessage({ kind: 'queued', id: draft.id });
    });
  });
}

document.querySelector('#save').addEventListener('click', () => saveDraft({ id: Date.now(), text: 'hi' }));
