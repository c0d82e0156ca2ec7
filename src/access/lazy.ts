// Report fields that take words to build (reasons, explanations, deciding statements) are computed when first read,
// so that a report of 10,000 rows costs only its decisions until someone looks. They are enumerable accessors whose
// values are built together on the first read and kept: JSON.stringify, structuredClone, spreading and deepEqual all
// see plain data. They stay accessors (turning each into a data property on read cost more than reading the words);
// assigning one makes it a plain property.

type Compute = () => Record<PropertyKey, unknown>;

/** Where an object keeps its pending computation: a symbol, not enumerable, so no copy or comparison sees it. */
const PENDING = Symbol('kmsLab.lazyWords');

interface Pending {
  /** Dropped once computed, with what it holds. */
  compute?: Compute;
  computed?: Record<PropertyKey, unknown>;
}

/** One accessor descriptor per property name, shared by every object: no closures per object. */
const descriptors = new Map<PropertyKey, PropertyDescriptor>();

function settle(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function descriptorFor(key: PropertyKey): PropertyDescriptor {
  let descriptor = descriptors.get(key);
  if (!descriptor) {
    descriptor = {
      enumerable: true,
      configurable: true,
      get(this: object) {
        const state = (this as { [PENDING]?: Pending })[PENDING];
        if (!state) return undefined;
        if (!state.computed) {
          state.computed = state.compute?.() ?? {};
          state.compute = undefined;
        }
        return state.computed[key];
      },
      set(this: object, value: unknown) {
        settle(this, key, value);
      },
    };
    descriptors.set(key, descriptor);
  }
  return descriptor;
}

export function defineLazy<T extends object, K extends keyof T>(target: T, keys: readonly K[], compute: () => Pick<T, K>): T {
  Object.defineProperty(target, PENDING, { value: { compute: compute as Compute } satisfies Pending, enumerable: false, writable: true, configurable: true });
  for (const key of keys) Object.defineProperty(target, key, descriptorFor(key));
  return target;
}
