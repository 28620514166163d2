export const TEAM_MODES = ['route', 'coordinate', 'broadcast', 'sequential'] as const;
export type TeamMode = (typeof TEAM_MODES)[number];
