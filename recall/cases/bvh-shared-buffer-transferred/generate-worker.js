// Reported: https://github.com/gkjohnson/three-mesh-bvh/issues/523
// With useSharedArrayBuffer the worker built its BVH roots in SharedArrayBuffers and still listed
// them as transferables: "DataCloneError: SharedArrayBuffer can not be in transfer list".
function buildRoots(positions, useSharedArrayBuffer) {
  const nodes = Math.max(1, Math.ceil(positions.length / 9));
  const bytes = nodes * 32;
  const buffer = useSharedArrayBuffer ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const view = new Float32Array(buffer);
  for (let i = 0; i < positions.length; i++) view[i % view.length] += positions[i];
  return [buffer];
}

self.onmessage = ({ data }) => {
  const { positions, options } = data;
  const roots = buildRoots(positions, options.useSharedArrayBuffer);
  self.postMessage({ roots, error: null }, roots); //~ transfer-shared-buffer
};
