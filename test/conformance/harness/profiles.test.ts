// Tests for the profile lists: upstream v1.6.1's test counts per profile.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileFiles } from '../profiles.ts';

test('GATEWAY-GRPC has 15 core and 10 extended tests, as upstream v1.6.1', () => {
  assert.equal(profileFiles('GATEWAY-GRPC', 'core').length, 15);
  assert.equal(profileFiles('GATEWAY-GRPC', 'extended').length, 10);
});

test('GATEWAY-HTTP has the 37 core tests of upstream v1.6.1', () => {
  assert.equal(profileFiles('GATEWAY-HTTP', 'core').length, 37);
});

test('an unknown profile is an error', () => {
  assert.throws(() => profileFiles('MESH-HTTP', 'all'), /unknown profile/);
});
