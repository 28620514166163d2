import { MemoryRunStore } from 'switchyard';
import { describeStoreConformance } from 'switchyard/adapter-kit/conformance';

describeStoreConformance('memory', { open: async () => new MemoryRunStore() });
