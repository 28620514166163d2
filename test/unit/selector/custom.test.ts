import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchestratorSelector, SwitchyardError, getProfile, listAllProfiles, loadOrchestratorProfiles, registerOrchestrator, selectOrchestrator, recommendOrchestrator } from 'switchyard';
import { resetDefaultSelector } from '../../../src/selector/api.js';
import { temporalProfile } from '../../fixtures/custom-profile.js';

afterEach(() => resetDefaultSelector());

describe('custom orchestrator types', () => {
  it('take part in select() through their task types', () => {
    const selector = new OrchestratorSelector({ profiles: [temporalProfile()] });
    expect(selector.select({ taskType: 'saga' })).toMatchObject({ type: 'temporal', rule: 'task-type' });
    expect(selector.select({ taskType: 'durable_workflow', requiresScheduling: true, requiresState: true }).type).toBe('temporal');
  });

  it('take part in select() through their capabilities, after the built-ins', () => {
    const selector = new OrchestratorSelector({ profiles: [temporalProfile()] });
    // built-ins keep their decisions for what they can do...
    expect(selector.select({ taskType: 'generic', requiresState: true }).type).toBe('langgraph');
    expect(selector.select({ taskType: 'generic', requiresScheduling: true }).type).toBe('prefect');
    // ...and the custom engine wins where it is the only one with every requirement
    expect(selector.select({ taskType: 'generic', requiresScheduling: true, requiresState: true })).toMatchObject({ type: 'temporal', rule: 'capabilities' });
  });

  it('take part in recommend() through their intents', () => {
    const selector = new OrchestratorSelector({ profiles: [temporalProfile()] });
    const result = selector.recommend('a saga that must compensate failed payments exactly once');
    expect(result.type).toBe('temporal');
    expect(result.reasons[0]).toMatchObject({ type: 'temporal', intent: 'durable-execution' });
    expect(result.alternatives).toHaveLength(4);
  });

  it('appear in the guide after the seed entries', () => {
    const guide = new OrchestratorSelector({ profiles: [temporalProfile()] }).guide();
    expect(Object.keys(guide)).toHaveLength(13);
    expect(Object.entries(guide).at(-1)).toEqual(['Durable workflow', 'temporal']);
  });

  it('registerOrchestrator() adds to the process-wide selector', () => {
    const profile = registerOrchestrator(temporalProfile());
    expect(profile.type).toBe('temporal');
    expect(getProfile('temporal').name).toBe('Temporal');
    expect(Object.keys(listAllProfiles())).toEqual(['agno', 'langgraph', 'llamaindex', 'prefect', 'temporal']);
    expect(selectOrchestrator({ taskType: 'saga' }).type).toBe('temporal');
    expect(recommendOrchestrator('compensation steps for a saga').type).toBe('temporal');
    expect(Object.isFrozen(getProfile('temporal'))).toBe(true);
  });

  it('refuses a duplicate type unless replace is set', () => {
    registerOrchestrator(temporalProfile());
    expect(() => registerOrchestrator(temporalProfile())).toThrow(/already registered/);
    registerOrchestrator(temporalProfile({ name: 'Temporal 2' }), { replace: true });
    expect(getProfile('temporal').name).toBe('Temporal 2');
  });

  it('rejects a malformed profile naming the field path', () => {
    const bad = temporalProfile({ intents: [{ id: 'x', label: 'x', terms: { saga: -1 } }] });
    let caught: unknown;
    try {
      registerOrchestrator(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SwitchyardError);
    expect(caught).toMatchObject({ code: 'INVALID_PROFILE', path: 'intents[0].terms.saga' });
    expect(() => registerOrchestrator({ ...temporalProfile(), stateful: 'yes' } as never)).toThrow(/stateful: .*boolean/);
  });

  it('getProfile() names the known types for an unknown one', () => {
    expect(() => getProfile('nope')).toThrow(/unknown orchestrator type "nope"; expected one of agno, langgraph, llamaindex, prefect/);
  });

  it('loadOrchestratorProfiles() registers a directory of profiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-profiles-'));
    try {
      writeFileSync(join(dir, 'temporal.json'), JSON.stringify(temporalProfile()));
      writeFileSync(join(dir, 'README.md'), 'not a profile');
      const loaded = await loadOrchestratorProfiles(dir);
      expect(loaded.map((p) => p.type)).toEqual(['temporal']);
      expect(selectOrchestrator({ taskType: 'saga' }).type).toBe('temporal');
      const fromDir = await OrchestratorSelector.fromDirectory(dir);
      expect(fromDir.types()).toEqual(['agno', 'langgraph', 'llamaindex', 'prefect', 'temporal']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can start without the built-ins', () => {
    const selector = new OrchestratorSelector({ builtins: false, profiles: [temporalProfile()] });
    expect(selector.types()).toEqual(['temporal']);
    expect(selector.select({ taskType: 'anything' })).toMatchObject({ type: 'temporal', rule: 'default' });
  });
});
