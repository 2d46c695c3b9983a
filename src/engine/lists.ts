// Empty arrays that start in the element kind they will end in. V8 gives `[]` the small-integer
// kind; the first object or fraction stored widens the array's hidden class. Code the JIT
// optimised in one run for the wide class then meets the next run's new arrays still narrow,
// and deoptimises: every hot function that touches them is compiled again, once per run
// (`compare` runs eight in one thread). Starting wide costs nothing and keeps the maps stable.

/** An empty array for objects (or anything but small integers). */
export function objectList<T>(): T[] {
  const list: T[] = [undefined as T];
  list.pop();
  return list;
}

/** An empty array for fractional numbers. */
export function numberList(): number[] {
  const list = [0.5];
  list.pop();
  return list;
}
