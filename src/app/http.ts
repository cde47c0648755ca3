/** Only same-site paths may be redirect targets after login (no `//evil.example`). */
export function safeNext(next: string | null | undefined, fallback: string): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export class BadRequest extends Error {
  constructor(message: string, public readonly status = 400) {
    super(message);
  }
}

/** Reads a form body, refusing bodies over `maxBytes` (413) and non-form content (415). */
export async function readForm(request: Request, maxBytes = 64 * 1024): Promise<FormData> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(type)) throw new BadRequest('需要表单提交', 415);
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > maxBytes) throw new BadRequest('提交的内容过大', 413);
  try {
    return await request.formData();
  } catch {
    throw new BadRequest('表单格式不正确');
  }
}

export const nowIso = () => new Date().toISOString();
