// Domain errors: what a service refuses, said once. A service throws one of the
// classes below with a code from `t.refusals` (src/i18n); the wording comes from
// that code and the HTTP status from the error's kind, through `statusFor` in
// ./http (the one mapping). Pages and API routes answer any refusal with
// `refusal(e)` from ./http (or `api()`, which uses it).
//
// The pattern, for a service converted to it:
//   if (!attempt) throw new NotFound('examNotFound');
//   if (closed) throw new Conflict('examClosed');
// Older services still throw `BadRequest(message, status)`; both are answered alike.
import { t } from '../i18n';
import { BadRequest, statusFor, type RefusalKind } from './http';

type Refusals = typeof t.refusals;
export type RefusalCode = keyof Refusals;
/** The values a code's wording takes (none for a plain sentence). */
type Args<C extends RefusalCode> = Refusals[C] extends (...a: infer A) => string ? A : [];

function wording<C extends RefusalCode>(code: C, args: Args<C>): string {
  const m = t.refusals[code] as string | ((...a: unknown[]) => string);
  return typeof m === 'function' ? m(...args) : m;
}

/** A refusal of the domain: a kind (which decides the status), a stable code, and its wording in Chinese. */
export class DomainError<C extends RefusalCode = RefusalCode> extends BadRequest {
  constructor(
    readonly kind: RefusalKind,
    override readonly code: C,
    ...args: Args<C>
  ) {
    super(wording(code, args), statusFor(kind), code);
  }
}

/** The request is malformed or incomplete (a missing reason, an unknown action). */
export class Invalid<C extends RefusalCode> extends DomainError<C> {
  constructor(code: C, ...args: Args<C>) {
    super('invalid', code, ...args);
  }
}

/** This person may not do this to this object. */
export class Forbidden<C extends RefusalCode> extends DomainError<C> {
  constructor(code: C, ...args: Args<C>) {
    super('forbidden', code, ...args);
  }
}

/** No such object, or not this person's (ids reveal nothing). */
export class NotFound<C extends RefusalCode> extends DomainError<C> {
  constructor(code: C, ...args: Args<C>) {
    super('not-found', code, ...args);
  }
}

/** The object is not in a state that allows it now (already submitted, not yet eligible). */
export class Conflict<C extends RefusalCode> extends DomainError<C> {
  constructor(code: C, ...args: Args<C>) {
    super('conflict', code, ...args);
  }
}
