import { describe, it, expect } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('command and document', () => {
  it('keeps the command script as given, lines and all', () => {
    const script = 'set -e\ncd /srv/app\n./deploy.sh "$VERSION"'
    expect(settings({ [Input.Command]: script }).deploy).toEqual({ kind: 'command', script })
  })

  it('needs one of them', () => {
    const e = onlyError({ [Input.Command]: '' })
    expect(e.input).toBe('command')
    expect(e.message).toContain('set command')
    expect(e.message).toContain('document')
  })

  it('treats a whitespace-only command as unset', () => {
    expect(onlyError({ [Input.Command]: '  \n ' }).input).toBe('command')
  })

  it('refuses both, without echoing the script', () => {
    const e = onlyError({ [Input.Command]: 'echo s3cr3t', [Input.Document]: 'My-Deploy' })
    expect(e.input).toBe('document')
    expect(e.value).toBe('My-Deploy')
    expect(e.message).toContain('exactly one')
    expect(e.message).not.toContain('s3cr3t')
  })

  it('runs a document with its parameters normalised to string lists', () => {
    const s = settings({
      [Input.Command]: '',
      [Input.Document]: 'My-Deploy',
      [Input.DocumentParameters]: '{"version": "1.2.3", "steps": ["a", "b"], "none": []}'
    })
    expect(s.deploy).toEqual({
      kind: 'document',
      name: 'My-Deploy',
      parameters: { version: ['1.2.3'], steps: ['a', 'b'], none: [] }
    })
  })

  it('defaults document parameters to none', () => {
    const s = settings({ [Input.Command]: '', [Input.Document]: 'AWS-RunShellScript' })
    expect(s.deploy).toEqual({ kind: 'document', name: 'AWS-RunShellScript', parameters: {} })
  })

  it('accepts a shared document by ARN', () => {
    const name = 'arn:aws:ssm:us-east-1:123456789012:document/Deploy_App.v2'
    const s = settings({ [Input.Command]: '', [Input.Document]: name })
    expect(s.deploy).toEqual({ kind: 'document', name, parameters: {} })
  })

  it.each(['my doc', 'ab', 'x;rm -rf /', 'a'.repeat(201)])(
    'rejects the document name %j',
    (doc) => {
      const e = onlyError({ [Input.Command]: '', [Input.Document]: doc })
      expect(e.input).toBe('document')
      expect(e.message).toContain('AWS-RunShellScript')
    }
  )

  it.each([
    ['{commands: []}', 'not valid JSON'],
    ['{"a": "b"', 'not valid JSON'],
    ['[]', 'not a JSON object'],
    ['["a"]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['42', 'not a JSON object'],
    ['{"timeout": 3600}', 'is a number'],
    ['{"flag": true}', 'is a boolean'],
    ['{"x": null}', 'is a null'],
    ['{"x": {"y": "z"}}', 'is a object'],
    ['{"commands": ["ok", 1]}', 'non-string'],
    ['{"": "x"}', 'empty parameter name']
  ])('rejects the document-parameters %s', (raw, problem) => {
    const e = onlyError({
      [Input.Command]: '',
      [Input.Document]: 'My-Deploy',
      [Input.DocumentParameters]: raw
    })
    expect(e.input).toBe('document-parameters')
    expect(e.value).toBe(raw)
    expect(e.message).toContain(problem)
    expect(e.message).toMatch(/use|quote|name every/)
  })

  it('refuses document-parameters with command', () => {
    const e = onlyError({ [Input.DocumentParameters]: '{"version": "1"}' })
    expect(e.input).toBe('document-parameters')
    expect(e.message).toContain('only applies to document')
  })

  it.each(['{}', '{ }', ' {\n} '])('lets the empty default %j pass with command', (raw) => {
    expect(settings({ [Input.DocumentParameters]: raw }).deploy.kind).toBe('command')
  })
})
