/// <reference lib="webworker" />
import { Layer } from './layer';

self.onmessage = (event: MessageEvent<{ x: number; y: number }>) => {
  const layer = new Layer(event.data.x, event.data.y);
  layer.fill(1);
  self.postMessage({ layer }); //~ send-loses-prototype
};

export {};
