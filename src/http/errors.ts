import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** Every error leaves as `{error, message}`: a stable code for programs, a sentence a person can act on. */
export interface ApiError {
  error: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Issue = Pick<z.core.$ZodIssue, 'code' | 'path' | 'message'> & Record<string, unknown>;

/** A Vietnamese sentence for one validation issue, naming the field. */
export function describeIssue(issue: Issue): string {
  const field = issue.path.length ? `"${issue.path.join('.')}"` : 'Nội dung gửi lên';
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.includes('undefined')
        ? `Thiếu trường ${field}.`
        : `Trường ${field} phải là ${typeName(String(issue.expected))}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `Trường ${field} dài quá ${issue.maximum} ký tự.`
        : `Trường ${field} không được lớn hơn ${issue.maximum}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? `Trường ${field} không được để trống.`
          : `Trường ${field} cần ít nhất ${issue.minimum} ký tự.`
        : `Trường ${field} không được nhỏ hơn ${issue.minimum}.`;
    case 'invalid_value':
      return `Trường ${field} chỉ nhận: ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'unrecognized_keys':
      return `Không nhận các trường: ${(issue.keys as string[]).join(', ')}.`;
    default:
      return `Trường ${field}: ${issue.message}`;
  }
}

function typeName(expected: string): string {
  return (
    { string: 'chuỗi ký tự', number: 'số', int: 'số nguyên', boolean: 'true hoặc false', array: 'danh sách', object: 'đối tượng JSON' }[
      expected
    ] ?? expected
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map(
        (v): Issue => ({
          ...(v.params as Record<string, unknown>),
          code: v.keyword as Issue['code'],
          path: v.instancePath.split('/').filter(Boolean),
          message: v.message ?? '',
        }),
      );
      return reply.code(400).send({ error: 'invalid_request', message: issues.map(describeIssue).join(' ') });
    }
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return reply.code(429).send({ error: 'rate_limited', message: 'Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.' });
    }
    if (status >= 400 && status < 500) {
      const known: Record<string, string> = {
        FST_ERR_CTP_INVALID_JSON_BODY: 'Nội dung gửi lên không phải JSON hợp lệ.',
        FST_ERR_CTP_EMPTY_JSON_BODY: 'Nội dung gửi lên đang trống; hãy gửi một đối tượng JSON.',
        FST_ERR_CTP_BODY_TOO_LARGE: 'Nội dung gửi lên quá lớn.',
        FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Kiểu nội dung không được hỗ trợ; hãy gửi application/json.',
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Độ dài nội dung không khớp với dữ liệu gửi lên.',
      };
      return reply
        .code(status)
        .send({ error: 'bad_request', message: known[error.code] ?? 'Yêu cầu không hợp lệ. Hãy kiểm tra lại dữ liệu gửi lên.' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `Không có đường dẫn ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.` });
  });
}
