import { describe, expect, it } from 'vitest';
import { decide, exposureWarnings, isAllowedHost, isLocalOrigin, publicUrlOf, type GuardPolicy } from './requestGuard.js';

const policy = (p: Partial<GuardPolicy> = {}): GuardPolicy => ({ corsOrigins: [], allowedHosts: [], listenHost: '127.0.0.1', ownUrls: ['http://127.0.0.1:4596'], ...p });

describe('the request guard', () => {
  it('knows loopback Host names however they are written', () => {
    for (const host of ['127.1:4596', '[::ffff:127.0.0.1]:4596', '[0:0:0:0:0:0:0:1]', 'Localhost', 'a.b.localhost:1', '2130706433'])
      expect(isAllowedHost(host, policy()), host).toBe(true);
    for (const host of ['localhost@evil.example', 'localhost/x', 'localhost?x', 'evil.example', '', 'a b', '128.0.0.1', '0.0.0.0:4596'])
      expect(isAllowedHost(host, policy()), host).toBe(false);
    expect(isAllowedHost(undefined, policy())).toBe(true);
  });

  it('on a wildcard listen address any IP literal is a Host, but no other name', () => {
    for (const listenHost of ['0.0.0.0', '::']) {
      const p = policy({ listenHost });
      expect([isAllowedHost('192.168.1.20:4596', p), isAllowedHost('[fd00::1]:4596', p), isAllowedHost('0.0.0.0:4596', p), isAllowedHost('nas.lan:4596', p)], listenHost).toEqual([true, true, true, false]);
    }
    expect(isAllowedHost('192.168.1.20:4596', policy({ listenHost: '192.168.1.20' }))).toBe(true);
    expect(isAllowedHost('192.168.1.21:4596', policy({ listenHost: '192.168.1.20' }))).toBe(false);
  });

  it('--allowed-hosts: names (a port is ignored), *.suffix for subdomains, * for anything', () => {
    const p = policy({ allowedHosts: ['codepipeline', 'ci:9999', '*.corp.internal'] });
    expect(['codepipeline:1', 'CI', 'x.corp.internal', 'a.b.corp.internal', 'corp.internal', 'codepipeline.evil'].map((h) => isAllowedHost(h, p))).toEqual([true, true, true, true, false, false]);
    expect(isAllowedHost('anything.example', policy({ allowedHosts: ['*'] }))).toBe(true);
  });

  it('local origins: http(s) on loopback names, any port; not null, other schemes or look-alikes', () => {
    for (const o of ['http://localhost', 'https://localhost:8443', 'http://127.0.0.1:3000', 'http://127.9.9.9', 'http://[::1]:5173', 'http://x.localhost']) expect(isLocalOrigin(o), o).toBe(true);
    for (const o of ['null', 'file://', 'ws://localhost', 'http://localhost.example', 'http://[::2]', 'http://0.0.0.0', '']) expect(isLocalOrigin(o), o).toBe(false);
  });

  it('decides: refuses a bad Host before looking at the Origin; echoes an allowed origin; answers preflights', () => {
    expect(decide(policy(), { method: 'GET', host: 'evil.example', origin: 'http://localhost' }).kind).toBe('refuse');
    expect(decide(policy(), { method: 'GET', host: 'localhost', origin: 'http://evil.example' }).kind).toBe('refuse');
    expect(decide(policy(), { method: 'GET', host: 'localhost' })).toEqual({ kind: 'pass', cors: {} });
    const pass = decide(policy(), { method: 'POST', host: 'localhost', origin: 'http://localhost:3000' });
    expect(pass.kind === 'pass' && [pass.cors['access-control-allow-origin'], pass.cors.vary]).toEqual(['http://localhost:3000', 'Origin']);
    const pre = decide(policy(), { method: 'OPTIONS', host: 'localhost', origin: 'http://localhost:3000' });
    expect(pre.kind === 'preflight' && Object.keys(pre.cors).sort()).toEqual([
      'access-control-allow-headers',
      'access-control-allow-methods',
      'access-control-allow-origin',
      'access-control-max-age',
      'vary',
    ]);
    // The emulator's own pages, as reached: same host and port.
    expect(decide(policy({ allowedHosts: ['cp'] }), { method: 'GET', host: 'cp:4596', origin: 'http://cp:4596' }).kind).toBe('pass');
    expect(decide(policy({ allowedHosts: ['cp'] }), { method: 'GET', host: 'cp:4596', origin: 'http://cp:4597' }).kind).toBe('refuse');
  });

  it('public URL and warnings', () => {
    expect([publicUrlOf(undefined, '127.0.0.1', 1), publicUrlOf(undefined, '0.0.0.0', 2), publicUrlOf(undefined, '::', 3), publicUrlOf(undefined, '::1', 4), publicUrlOf('http://cp:4596/', '0.0.0.0', 5)]).toEqual([
      'http://127.0.0.1:1',
      'http://localhost:2',
      'http://localhost:3',
      'http://[::1]:4',
      'http://cp:4596',
    ]);
    expect(exposureWarnings({ host: '127.0.0.1', corsOrigins: [], verifySignatures: false })).toEqual([]);
    expect(exposureWarnings({ host: 'localhost', corsOrigins: ['http://a.example'], verifySignatures: false })).toEqual([]);
    expect(exposureWarnings({ host: '0.0.0.0', corsOrigins: [], verifySignatures: true })).toEqual([]);
    expect(exposureWarnings({ host: '::', corsOrigins: ['*'], verifySignatures: false })).toHaveLength(2);
  });
});
