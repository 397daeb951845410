import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { type ApiError, AppError, ERRORS, type ErrorCode } from '../errors.js';

/** Sends `{error, message}` with the catalogue's status for `code` (src/errors.ts). */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string = ERRORS[code].message): FastifyReply {
  const body: ApiError = { error: code, message };
  return reply.code(ERRORS[code].status).send(body);
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
      return sendError(reply, 'invalid_request', issues.map(describeIssue).join(' '));
    }
    if (error instanceof AppError) return sendError(reply, error.code, error.message);
    const status = error.statusCode ?? 500;
    if (status === 429) return sendError(reply, 'rate_limited');
    if (status >= 400 && status < 500) {
      const known: Record<string, string> = {
        FST_ERR_CTP_INVALID_JSON_BODY: 'Nội dung gửi lên không phải JSON hợp lệ.',
        FST_ERR_CTP_EMPTY_JSON_BODY: 'Nội dung gửi lên đang trống; hãy gửi một đối tượng JSON.',
        FST_ERR_CTP_BODY_TOO_LARGE: 'Nội dung gửi lên quá lớn.',
        FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Kiểu nội dung không được hỗ trợ; hãy gửi application/json.',
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Độ dài nội dung không khớp với dữ liệu gửi lên.',
      };
      // Fastify's own 4xx (body parsing) keep their status; the code and sentence are the catalogue's.
      return reply.code(status).send({ error: 'bad_request', message: known[error.code] ?? ERRORS.bad_request.message } satisfies ApiError);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'internal_error');
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 'not_found', `Không có đường dẫn ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.`);
  });
}
