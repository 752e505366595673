async function flushOutbox() {
  await navigator.locks.request('outbox', async () => {
    await navigator.locks.request('drafts', async () => { //~ lock-order-inversion
      const response = await fetch('/api/outbox', { method: 'POST' });
      self.postMessage({ kind: 'flushed', ok: response.ok });
    });
  });
}

self.onmessage = ({ data }) => {
  if (data.kind === 'queued') flushOutbox();
};
