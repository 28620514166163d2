import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunStore } from 'switchyard';
import { describeStoreConformance } from 'switchyard/adapter-kit/conformance';

const homes = new WeakMap<object, string>();
describeStoreConformance('sqlite', {
  open: async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-store-'));
    const store = await openRunStore(home);
    homes.set(store, home);
    return store;
  },
  reopen: async (store) => openRunStore(homes.get(store)),
});
