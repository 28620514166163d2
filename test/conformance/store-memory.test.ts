import { MemoryRunStore } from 'switchyard';
import { describeStoreConformance } from 'switchyard/adapter-kit/testing';

describeStoreConformance('memory', { open: async () => new MemoryRunStore() });
