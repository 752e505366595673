// Untyped linting: the parser and the recommended syntactic rules, no TypeScript program.
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['src/**/*.ts'],
  extends: [tseslint.configs.recommended],
});
