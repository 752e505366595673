import type { Touch } from '../views/explain';
import type { MapBuffer, MapModule, MapSpawn, ThreadMap } from '../views/thread-map';

/**
 * The `fearless graph --format json` contract: the thread map with every path relative to the
 * current directory (the ids; absolute paths would differ per machine), keys in a fixed order, so
 * the output diffs cleanly and a field the engine adds appears only once it is part of the contract.
 */
export interface GraphJson {
  version: 1;
  modules: Pick<MapModule, 'id' | 'role' | 'missing'>[];
  spawns: Pick<MapSpawn, 'from' | 'to' | 'line' | 'sends' | 'join'>[];
  buffers: (Pick<MapBuffer, 'id' | 'module' | 'line' | 'name'> & { users: { module: string; touches: Touch[] }[] })[];
}

export function toGraphJson(map: ThreadMap): GraphJson {
  return {
    version: 1,
    modules: map.modules.map(m => ({ id: m.id, role: m.role, ...(m.missing ? { missing: m.missing } : {}) })),
    spawns: map.spawns.map(s => ({ from: s.from, to: s.to, line: s.line, sends: [...s.sends], join: s.join })),
    buffers: map.buffers.map(b => ({
      id: b.id,
      module: b.module,
      line: b.line,
      ...(b.name === undefined ? {} : { name: b.name }),
      users: b.users.map(u => ({ module: u.module, touches: [...u.touches] })),
    })),
  };
}

export function formatGraphJson(map: ThreadMap): string {
  return `${JSON.stringify(toGraphJson(map), null, 2)}\n`;
}
