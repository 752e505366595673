/**
 * What each file contributes to a whole-program index (its lock-order edges, its spawn sites), and the
 * same items by a key of each (the lock an edge leaves, the module a spawn starts): a file's items are
 * replaced whole when it changes, and both views stay in step.
 */
export class FileIndex<T> {
  private readonly byFile = new Map<string, readonly T[]>();
  private readonly byKey = new Map<string, T[]>();

  constructor(private readonly keyOf: (item: T) => string) {}

  /** Records `file`'s items, replacing what it had; returns what it had. */
  replace(file: string, items: readonly T[]): readonly T[] {
    const old = this.ofFile(file);
    for (const item of old) {
      const key = this.keyOf(item);
      const list = (this.byKey.get(key) ?? []).filter(x => x !== item);
      if (list.length > 0) this.byKey.set(key, list);
      else this.byKey.delete(key);
    }
    for (const item of items) {
      const key = this.keyOf(item);
      const list = this.byKey.get(key);
      if (list) list.push(item);
      else this.byKey.set(key, [item]);
    }
    if (items.length > 0) this.byFile.set(file, items);
    else this.byFile.delete(file);
    return old;
  }

  ofFile(file: string): readonly T[] {
    return this.byFile.get(file) ?? [];
  }

  withKey(key: string): readonly T[] {
    return this.byKey.get(key) ?? [];
  }

  /** Each file that has items, with them. */
  files(): IterableIterator<[string, readonly T[]]> {
    return this.byFile.entries();
  }

  /** Each key that has items, with them. */
  keys(): IterableIterator<[string, readonly T[]]> {
    return this.byKey.entries();
  }
}
