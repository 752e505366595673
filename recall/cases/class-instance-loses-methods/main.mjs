// Reported: https://github.com/nodejs/help/issues/1558
// A Person instance was posted to a worker, which called person.fullname(): the object arrived as
// plain data and the worker died with "TypeError: person.fullname is not a function".
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

class Person {
  constructor(name, surname) {
    this.name = name;
    this.surname = surname;
  }

  fullname() {
    return `${this.name} ${this.surname}`;
  }
}

const worker = new Worker(new URL('./greeter-worker.mjs', import.meta.url));
worker.on('message', (greeting) => console.log(greeting));
worker.on('error', (err) => console.error('greeter failed:', err.message));

const person = new Person('Ada', 'Lovelace');
worker.postMessage(person); //~ send-loses-prototype
await once(worker, 'exit');
