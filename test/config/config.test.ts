import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicBasePath, zaloSettings } from '../../src/config.js';

describe('configuration', () => {
  it('starts with defaults and the Zalo channel off when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.DATA_DIR).toBe('./data');
    expect(config.ZALO_API_BASE).toBe('https://openapi.zalo.me');
    expect(config.ZALO_OAUTH_BASE).toBe('https://oauth.zaloapp.com');
    expect(config.QUIET_HOURS).toEqual({ fromMinute: 21 * 60, toMinute: 7 * 60 });
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(zaloSettings(config)).toBeNull();
  });

  it('says the service is at localhost on the port it listens on when PUBLIC_BASE_URL is not set', () => {
    expect(loadConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://portal.example/giamngheo' }).PUBLIC_BASE_URL).toBe(
      'https://portal.example/giamngheo',
    );
  });

  it.each([
    ['https://chatbot.example.gov.vn', ''],
    ['https://chatbot.example.gov.vn/', ''],
    ['https://portal.example/giamngheo', '/giamngheo'],
    ['https://portal.example/giamngheo/', '/giamngheo'],
  ])('PUBLIC_BASE_URL %s puts "%s" in front of every route', (url, path) => {
    expect(publicBasePath({ PUBLIC_BASE_URL: url })).toBe(path);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['ALLOWED_ORIGINS', 'portal.gov.vn'],
    ['QUIET_HOURS', '9pm-7am'],
    ['TRUST_PROXY', 'maybe'],
    ['ADMIN_PASSWORD', 'short'],
  ])('a wrong %s stops start-up with a line naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(name);
  });

  it('parses origins, quiet hours off, and Zalo settings when all are given', () => {
    const config = loadConfig({
      ALLOWED_ORIGINS: 'https://portal.haiphong.gov.vn, http://localhost:8080/',
      QUIET_HOURS: '',
      ZALO_APP_ID: '1',
      ZALO_APP_SECRET: 's',
      ZALO_OA_SECRET_KEY: 'k',
      ZALO_REFRESH_TOKEN: 'r',
      ZALO_API_BASE: 'http://127.0.0.1:9999/',
    });
    expect(config.ALLOWED_ORIGINS).toEqual(['https://portal.haiphong.gov.vn', 'http://localhost:8080']);
    expect(config.QUIET_HOURS).toBeNull();
    expect(zaloSettings(config)?.apiBase).toBe('http://127.0.0.1:9999');
  });
});
