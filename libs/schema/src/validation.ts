import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/**
 * Turns a plain object into a validated class instance, or returns every problem found as
 * `path: constraint message` lines. Unknown properties are reported, not silently kept.
 */
export function validatePlain<T extends object>(
  type: ClassConstructor<T>,
  plain: unknown,
): { readonly value: T; readonly problems: readonly [] } | { readonly value: undefined; readonly problems: readonly string[] } {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { value: undefined, problems: ['(root): must be a JSON object'] };
  }
  const instance = plainToInstance(type, plain, { exposeDefaultValues: true });
  // One message per property: a missing `key` is one problem, not "must be an array" + "must have
  // at least 1 element" + "each value must match".
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  const problems = flattenValidationErrors(errors);
  return problems.length === 0 ? { value: instance, problems: [] } : { value: undefined, problems };
}

function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = parent === '' ? error.property : `${parent}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      lines.push(`${path}: ${message}`);
    }
    if (error.children && error.children.length > 0) {
      lines.push(...flattenValidationErrors(error.children, path));
    }
  }
  return lines;
}
