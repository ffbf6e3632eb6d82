import { describe, expect, it } from 'vitest';
import { isPrivateAddress, onPrivateHost } from '../../src/ingest/address.ts';

describe('private addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['::ffff:192.168.1.1', true],
    ['fd00::1', true],
    ['93.184.216.34', false],
    ['2606:4700::1', false],
  ])('%s is private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:8080/feed.xml', true],
    ['http://[::1]/feed.xml', true],
    ['http://localhost/feed.xml', true],
    ['http://app.localhost/feed.xml', true],
    ['https://93.184.216.34/feed.xml', false],
    // A name is not resolved here: only the fetcher's lookup knows where it points.
    ['https://intranet.example/feed.xml', false],
    ['not a url', false],
  ])('%s is on a private host: %s', (url, expected) => {
    expect(onPrivateHost(url)).toBe(expected);
  });
});
