import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry, defineAdapter } from 'switchyard';

const make = (type: string) => defineAdapter({ type, taskSchema: z.object({}), execute: async () => type });

describe('AdapterRegistry', () => {
  it('lists the four built-in engines without loading any', () => {
    const registry = new AdapterRegistry();
    expect(registry.types()).toEqual(['agno', 'langgraph', 'llamaindex', 'prefect']);
  });

  it('loads a lazy adapter once, even for concurrent callers', async () => {
    let loads = 0;
    const registry = new AdapterRegistry({ builtins: false, adapters: { mine: async () => (loads++, make('mine')) } });
    const [a, b] = await Promise.all([registry.get('mine'), registry.get('mine')]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect(await registry.loaded()).toEqual([a]);
  });

  it('names the known types for an unknown one, and rejects a loader that returns the wrong type', async () => {
    const registry = new AdapterRegistry({ builtins: false, adapters: { mine: make('mine'), liar: async () => make('other') } });
    await expect(registry.get('nope')).rejects.toThrow('unknown orchestrator type "nope"; expected one of mine, liar');
    await expect(registry.get('liar')).rejects.toThrow('adapter registered as "liar" reports type "other"');
    expect(() => registry.register('auto', make('auto'))).toThrow(/expected a lower-case engine type other than "auto"/);
  });

  it('lets users replace a built-in and closes what it loaded', async () => {
    let closed = 0;
    const agno = { ...make('agno'), close: async () => void closed++ };
    const registry = new AdapterRegistry({ adapters: { agno } });
    expect(await registry.get('agno')).toBe(agno);
    await registry.close();
    expect(closed).toBe(1);
  });
});
