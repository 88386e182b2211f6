/**
 * The loopback world (dynalite behind a counting proxy, the fake model) for one test file: started before its
 * tests, stopped after them. The returned object stands for the world once it has started, so a test file reads
 * `world.openai`, `world.env` and so on as if it held the world itself.
 */
import { startWorld, type World } from '../../local/function-world';

export function useFunctionWorld(): World {
  let started: World | undefined;
  beforeAll(async () => {
    started = await startWorld();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as World, {
    get(_target, property) {
      if (!started) throw new Error('The function world is used before beforeAll started it');
      return Reflect.get(started, property);
    },
  });
}
