import { MemoryRunStore } from 'switchyard';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('memory', { open: async () => new MemoryRunStore() });
