export class Layer {
  constructor(public readonly x: number, public readonly y: number, private readonly cells: number[] = []) {}

  area(): number {
    return this.cells.length;
  }

  fill(value: number): void {
    for (let i = 0; i < this.x * this.y; i++) this.cells.push(value);
  }
}
