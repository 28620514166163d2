export { profileSchema, intentSchema, overheadSchema, guideEntrySchema, orchestratorTypeSchema } from './schema.js';
export type { OrchestratorProfile, ProfileInput, ProfileIntent, ProfileOverhead, GuideEntry } from './schema.js';
export { parseProfile, loadProfileFile, loadProfilesDir, formatIssuePath } from './loader.js';
export { builtinProfiles, builtinProfilesDir, BUILTIN_TYPES } from './builtin.js';
export type { BuiltinOrchestratorType, OrchestratorTypeName } from './builtin.js';
