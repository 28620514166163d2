import type { DefineCommand } from '../output.js';

export const defineProfiles: DefineCommand = (program) => {
  program
    .command('profiles')
    .description('list the orchestrator profiles, or show one in detail')
    .argument('[name]', 'an orchestrator type, e.g. langgraph')
    .option('--profiles <dir>', 'also load the orchestrator profiles in DIR (custom orchestrators)')
    .option('--json', 'print JSON (the full profile, including the recommender intents)')
    .addHelpText(
      'after',
      `
Profiles are data: profiles/<type>.json, validated against schemas/profile.schema.json.
Add your own with --profiles DIR (one <type>.json or <type>.yaml per orchestrator).

Examples:
  $ switchyard profiles
  $ switchyard profiles llamaindex
  $ switchyard profiles --profiles ./my-profiles --json`,
    )
    .action(async (name: string | undefined, options: { profiles?: string; json?: boolean }) => {
      const { loadSelector } = await import('../../selector/load.js');
      const selector = await loadSelector(options.profiles);
      const { printJson, printTable } = await import('../output.js');
      const yes = (flag: boolean) => (flag ? 'yes' : 'no');
      if (name === undefined) {
        const all = selector.listAllProfiles();
        if (options.json) {
          printJson(all);
          return;
        }
        printTable(
          ['type', 'name', 'complexity', 'stateful', 'routing', 'scheduling', 'setup', 'best for'],
          Object.values(all).map((p) => [p.type, p.name, p.complexity, yes(p.stateful), yes(p.routing), yes(p.scheduling), p.overhead.setupTime, p.summary]),
        );
        return;
      }
      const profile = selector.getProfile(name);
      if (options.json) {
        printJson(profile);
        return;
      }
      const list = (items: readonly string[] | undefined) => (items ?? []).join('; ');
      printTable(
        ['field', 'value'],
        [
          ['type', profile.type],
          ['name', profile.name],
          ['best for', profile.summary],
          ['complexity', profile.complexity],
          ['stateful', yes(profile.stateful)],
          ['routing', yes(profile.routing)],
          ['scheduling', yes(profile.scheduling)],
          ['setup time', profile.overhead.setupTime],
          ['runtime', profile.overhead.runtime],
          ['overhead', `${profile.overhead.overhead}${profile.overhead.note ? ` (${profile.overhead.note})` : ''}`],
          ['strengths', list(profile.strengths)],
          ['weaknesses', list(profile.weaknesses)],
          ['use for', list(profile.useFor.length ? profile.useFor : profile.bestFor)],
          ['avoid for', list(profile.avoidFor)],
          ['task types', list(profile.selection?.taskTypes)],
          ['intents', list(profile.intents.map((i) => i.label))],
        ],
      );
    });
};
