import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TYPES, OrchestratorSelector, SwitchyardError, builtinProfiles, loadProfileFile, loadProfilesDir, parseProfile, profileSchema } from 'switchyard';
import { builtinProfilesDir } from '../../../src/profiles/builtin.js';
import { renderSchemas, SCHEMAS_DIR } from '../../../scripts/generate-schemas.js';
import { temporalProfile } from '../../fixtures/custom-profile.js';

const dir = builtinProfilesDir();
const tmp = mkdtempSync(join(tmpdir(), 'switchyard-profile-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  }
  throw new Error('expected a rejection');
}

describe('built-in profiles (profiles/*.json)', () => {
  it('are exactly the four engines, one file each', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort()).toEqual(BUILTIN_TYPES.map((t) => `${t}.json`));
  });

  for (const type of BUILTIN_TYPES) {
    it(`${type}.json validates against the zod schema and points at the JSON Schema`, async () => {
      const raw = JSON.parse(readFileSync(join(dir, `${type}.json`), 'utf8'));
      expect(raw.$schema).toBe('../schemas/profile.schema.json');
      const result = profileSchema.safeParse(raw);
      expect(result.error?.issues ?? []).toEqual([]);
      // the runtime loader skips zod for speed: the raw file must already be in its parsed (defaults applied) form
      expect(result.data).toEqual(raw);
      expect((await loadProfileFile(join(dir, `${type}.json`))).type).toBe(type);
    });
  }

  it('carry the values of seed 002 (overview table, Agno profile, overhead table)', () => {
    const byType = Object.fromEntries(builtinProfiles().map((p) => [p.type, p]));
    const overview = BUILTIN_TYPES.map((t) => [byType[t]!.name, byType[t]!.summary, byType[t]!.complexity, byType[t]!.stateful, byType[t]!.routing, byType[t]!.scheduling]);
    expect(overview).toEqual([
      ['Agno', 'Simple agent tasks', 'low', false, false, false],
      ['LangGraph', 'Multi-stage workflows, approvals', 'high', true, true, false],
      ['LlamaIndex', 'RAG pipelines, document analysis', 'medium', false, false, false],
      ['Prefect', 'Scheduled workflows, DAGs', 'high', false, false, true],
    ]);
    expect(byType.agno).toMatchObject({
      strengths: ['Simple agent execution', 'Fast setup', 'Low overhead', 'Direct API calls'],
      weaknesses: ['No state management', 'Limited routing', 'No scheduling'],
      bestFor: ['Simple agent tasks', 'Quick prototyping', 'Single-stage workflows', 'Low-latency execution'],
      avoidFor: ['Complex workflows', 'Stateful operations', 'Scheduled tasks'],
    });
    expect(BUILTIN_TYPES.map((t) => [byType[t]!.overhead.setupTime, byType[t]!.overhead.runtime, byType[t]!.overhead.overhead])).toEqual([
      ['<10ms', 'fast', 'lowest'],
      ['100-200ms', 'medium', 'high'],
      ['50-100ms', 'medium', 'low'],
      ['200-500ms', 'slow', 'highest'],
    ]);
    expect(byType.langgraph!.overhead.note).toBe('checkpointing');
    expect(byType.llamaindex!.avoidFor).toEqual(['Non-RAG tasks', 'Complex routing']);
    expect(byType.prefect!.useFor).toEqual(['Scheduled workflows', 'DAG-based tasks', 'ETL pipelines', 'Batch jobs', 'Periodic tasks']);
  });

  it('exactly one is the default, and no task type is declared twice', () => {
    const profiles = builtinProfiles();
    expect(profiles.filter((p) => p.selection.default).map((p) => p.type)).toEqual(['agno']);
    const all = profiles.flatMap((p) => p.selection.taskTypes);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('loading a directory of profiles', () => {
  it('loads .json and .yaml files in name order', async () => {
    const ok = join(tmp, 'ok');
    await import('node:fs/promises').then((fs) => fs.mkdir(ok));
    writeFileSync(join(ok, 'temporal.json'), JSON.stringify(temporalProfile()));
    const { stringify } = await import('yaml');
    writeFileSync(join(ok, 'airflow.yaml'), stringify(temporalProfile({ type: 'airflow', name: 'Airflow' })));
    expect((await loadProfilesDir(ok)).map((p) => p.type)).toEqual(['airflow', 'temporal']);
  });

  it('rejects a malformed profile naming the file and the field path', async () => {
    const bad = join(tmp, 'bad');
    await import('node:fs/promises').then((fs) => fs.mkdir(bad));
    const profile = temporalProfile() as Record<string, unknown>;
    profile.overhead = { setupTime: '1ms', setupMs: [0, 'ten'], runtime: 'fast', overhead: 'low' };
    writeFileSync(join(bad, 'temporal.json'), JSON.stringify(profile));
    const error = await rejection(loadProfilesDir(bad));
    expect(error.code).toBe('INVALID_PROFILE');
    expect(error.file).toBe(join(bad, 'temporal.json'));
    expect(error.path).toBe('overhead.setupMs[1]');
    expect(error.message).toMatch(/temporal\.json: overhead\.setupMs\[1\]: .*number/);
    expect(error.isUserError).toBe(true);
  });

  it('names unknown fields, a type that does not match the file name, and broken JSON', async () => {
    writeFileSync(join(tmp, 'temporal.json'), JSON.stringify({ ...temporalProfile(), colour: 'blue' }));
    expect((await rejection(loadProfileFile(join(tmp, 'temporal.json')))).message).toMatch(/colour/);
    writeFileSync(join(tmp, 'other.json'), JSON.stringify(temporalProfile()));
    expect(await rejection(loadProfileFile(join(tmp, 'other.json')))).toMatchObject({ path: 'type', message: expect.stringMatching(/expected "other"/) });
    writeFileSync(join(tmp, 'broken.json'), '{ "type": ');
    expect((await rejection(loadProfileFile(join(tmp, 'broken.json')))).message).toMatch(/broken\.json: not valid JSON/);
    expect((await rejection(loadProfilesDir(join(tmp, 'missing')))).code).toBe('INVALID_INPUT');
  });

  it('parseProfile() reports the path of the first issue and how many more there are', () => {
    expect(() => parseProfile({ type: 'X' })).toThrow(/invalid profile type: .*lower-case id.* \(and \d+ more issues\)/);
  });

  it('a directory profile for a built-in type replaces it', async () => {
    const override = join(tmp, 'override');
    await import('node:fs/promises').then((fs) => fs.mkdir(override));
    const agno = JSON.parse(readFileSync(join(dir, 'agno.json'), 'utf8'));
    writeFileSync(join(override, 'agno.json'), JSON.stringify({ ...agno, selection: { taskTypes: ['saga'], default: true } }));
    const selector = await OrchestratorSelector.fromDirectory(override);
    expect(selector.select({ taskType: 'saga' })).toMatchObject({ type: 'agno', rule: 'task-type' });
  });
});

describe('JSON Schema', () => {
  it('the committed schemas/*.schema.json match what `npm run schemas` generates', () => {
    for (const [file, text] of Object.entries(renderSchemas())) {
      expect(readFileSync(join(SCHEMAS_DIR, file), 'utf8'), `schemas/${file} is stale: run npm run schemas`).toBe(text);
    }
  });

  it('describes the profile fields', () => {
    const schema = JSON.parse(renderSchemas()['profile.schema.json']!);
    expect(schema.required).toEqual(expect.arrayContaining(['type', 'name', 'complexity', 'stateful', 'routing', 'scheduling', 'overhead']));
    expect(schema.properties.complexity.enum).toEqual(['low', 'medium', 'high']);
    expect(schema.additionalProperties).toBe(false);
  });
});
