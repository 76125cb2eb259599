// Wire-level tests: the bundled dist/index.js against moto_server with fake hosts.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
  globalSetup: '<rootDir>/__tests__/e2e/global-setup.mjs',
  testTimeout: 180000,
  // Suites are independent (each starts its own emulator and HAProxy on random loopback ports) and
  // mostly wait on real time: two at once keep CI well under 15 minutes.
  maxWorkers: 2
}
