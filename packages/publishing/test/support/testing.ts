// What other workspaces' tests may use of the publishing tests' kit, by package path
// (`@cco/publishing/testing`), never by a relative reach into this folder.
export * from './relayTestKit';
export * from './sampleEvents';
