// Build ids as the API takes them: project:uuid, or the build's ARN.
export const buildIdOf = (id: string) => /^arn:[^:]+:codebuild:[^:]*:[^:]*:build\/(.+)$/.exec(id)?.[1] ?? id;
