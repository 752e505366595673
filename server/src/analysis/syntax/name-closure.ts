/**
 * The name indexes (lock-relevance.ts, thread-relevance.ts) reason by names across a program: a name
 * is in when a seed is, or when it depends on a name that is (a function calling one, a declaration
 * mentioning one). This is that closure.
 */
export class NameClosure {
  private readonly dependents = new Map<string, string[]>();
  private readonly seeds = new Set<string>();

  seed(name: string): void {
    this.seeds.add(name);
  }

  /** `dependent` is in whenever `name` is. */
  link(name: string, dependent: string): void {
    const list = this.dependents.get(name);
    if (list) list.push(dependent);
    else this.dependents.set(name, [dependent]);
  }

  /** The seeds and everything that depends on them, directly or not. */
  close(): Set<string> {
    const reached = new Set(this.seeds);
    const work = [...reached];
    while (work.length > 0) {
      for (const dependent of this.dependents.get(work.pop()!) ?? []) {
        if (!reached.has(dependent)) {
          reached.add(dependent);
          work.push(dependent);
        }
      }
    }
    return reached;
  }
}
