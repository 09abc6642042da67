// Generated from REPORT_SCHEMA (src/report/schema.ts) by `npx tsx scripts/gen-report-validator.ts`
// (Ajv's standalone code, options {"allErrors":true,"strict":true,"allowUnionTypes":true}); do not edit by hand.
// test/report/schema-validator.test.ts fails while this file differs from what the script writes.
// @ts-nocheck
'use strict';
export const validate = validate10;
export default validate10;
const schema11 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'hybridrt partition report',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion',
    'model',
    'options',
    'summary',
    'unsupported',
    'nodes',
    'segments',
    'transfers',
    'values',
    'recommendations',
    'warnings',
  ],
  definitions: {
    count: { type: 'integer', minimum: 0 },
    shape: { type: 'array', items: { type: ['integer', 'string'] } },
    tensor: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string' },
        dtype: { type: 'string' },
        shape: { $ref: '#/definitions/shape' },
        bytes: { $ref: '#/definitions/count' },
      },
    },
    pair: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    strings: { type: 'array', items: { type: 'string' } },
  },
  properties: {
    schemaVersion: { const: 1 },
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'graphName', 'opsets', 'inputs', 'outputs'],
      properties: {
        file: { type: 'string' },
        graphName: { type: 'string' },
        producer: { type: 'string' },
        irVersion: { type: 'integer' },
        opsets: { type: 'object', additionalProperties: { type: 'integer' } },
        inputs: { type: 'array', items: { $ref: '#/definitions/tensor' } },
        outputs: { type: 'array', items: { $ref: '#/definitions/tensor' } },
        profiles: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['min', 'opt', 'max'],
              properties: { min: { $ref: '#/definitions/shape' }, opt: { $ref: '#/definitions/shape' }, max: { $ref: '#/definitions/shape' } },
            },
          },
        },
      },
    },
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['minBlockSize', 'requireFullCompilation', 'fallbackOps', 'fallbackNodes'],
      properties: {
        minBlockSize: { $ref: '#/definitions/count' },
        requireFullCompilation: { type: 'boolean' },
        fallbackOps: { $ref: '#/definitions/strings' },
        fallbackNodes: { $ref: '#/definitions/strings' },
      },
    },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: [
        'nodes',
        'supportedNodes',
        'engineNodes',
        'coverage',
        'engineSegments',
        'fallbackSegments',
        'boundaryTransfers',
        'boundaryBytes',
        'unknownBytesTransfers',
        'hostDeviceCopies',
        'hostDeviceBytes',
      ],
      properties: {
        nodes: { $ref: '#/definitions/count' },
        supportedNodes: { $ref: '#/definitions/count' },
        engineNodes: { $ref: '#/definitions/count' },
        coverage: { type: 'number', minimum: 0, maximum: 1 },
        engineSegments: { $ref: '#/definitions/count' },
        fallbackSegments: { $ref: '#/definitions/count' },
        boundaryTransfers: { $ref: '#/definitions/count' },
        boundaryBytes: { $ref: '#/definitions/count' },
        unknownBytesTransfers: { $ref: '#/definitions/count' },
        hostDeviceCopies: { $ref: '#/definitions/count' },
        hostDeviceBytes: { $ref: '#/definitions/count' },
      },
    },
    unsupported: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['opType', 'domain', 'count', 'reasons'],
        properties: {
          opType: { type: 'string' },
          domain: { type: 'string' },
          count: { $ref: '#/definitions/count' },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['reason', 'nodes'],
              properties: { reason: { type: 'string' }, nodes: { $ref: '#/definitions/strings' } },
            },
          },
        },
      },
    },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'opType', 'domain', 'segment', 'supported', 'inputs', 'outputs'],
        properties: {
          name: { type: 'string' },
          opType: { type: 'string' },
          domain: { type: 'string' },
          segment: { $ref: '#/definitions/count' },
          supported: { type: 'boolean' },
          reason: { type: 'string' },
          forced: { enum: ['fallbackOps', 'fallbackNodes'] },
          demoted: { type: 'boolean' },
          inputs: { $ref: '#/definitions/strings' },
          outputs: { $ref: '#/definitions/strings' },
        },
      },
    },
    segments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind', 'nodes', 'ops', 'inputs', 'outputs'],
        properties: {
          id: { $ref: '#/definitions/count' },
          kind: { enum: ['engine', 'fallback'] },
          nodes: { $ref: '#/definitions/strings' },
          ops: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
          inputs: { type: 'array', items: { $ref: '#/definitions/tensor' } },
          outputs: { type: 'array', items: { $ref: '#/definitions/tensor' } },
        },
      },
    },
    transfers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'from', 'to', 'copy'],
        properties: {
          name: { type: 'string' },
          dtype: { type: 'string' },
          shape: { $ref: '#/definitions/shape' },
          bytes: { $ref: '#/definitions/count' },
          from: { $ref: '#/definitions/count' },
          to: { $ref: '#/definitions/count' },
          copy: { enum: ['none', 'device-to-host', 'host-to-device'] },
        },
      },
    },
    values: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { dtype: { type: 'string' }, shape: { $ref: '#/definitions/shape' }, initializer: { const: true } },
      },
    },
    recommendations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'message', 'merges'],
        properties: {
          kind: { enum: ['converter', 'forcedFallback', 'minBlockSize', 'inputShapes'] },
          message: { type: 'string' },
          opType: { type: 'string' },
          domain: { type: 'string' },
          nodes: { $ref: '#/definitions/strings' },
          minBlockSize: { $ref: '#/definitions/count' },
          option: { enum: ['fallbackOps', 'fallbackNodes'] },
          entry: { type: 'string' },
          merges: { type: 'array', items: { type: 'array', items: { $ref: '#/definitions/count' }, minItems: 2 } },
          effect: {
            type: 'object',
            additionalProperties: false,
            required: ['segments', 'engineNodes', 'boundaryTransfers', 'boundaryBytes'],
            properties: {
              segments: { $ref: '#/definitions/pair' },
              engineNodes: { $ref: '#/definitions/pair' },
              boundaryTransfers: { $ref: '#/definitions/pair' },
              boundaryBytes: { $ref: '#/definitions/pair' },
            },
          },
        },
      },
    },
    lowering: {
      type: 'object',
      additionalProperties: false,
      required: ['nodesBefore', 'nodesAfter', 'passes'],
      properties: {
        nodesBefore: { $ref: '#/definitions/count' },
        nodesAfter: { $ref: '#/definitions/count' },
        passes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'changed', 'counts', 'notes'],
            properties: {
              name: { type: 'string' },
              changed: { $ref: '#/definitions/count' },
              counts: { type: 'object', additionalProperties: { type: 'integer' } },
              notes: { $ref: '#/definitions/strings' },
            },
          },
        },
      },
    },
    warnings: { $ref: '#/definitions/strings' },
    int8: {
      type: 'object',
      additionalProperties: false,
      required: ['requested', 'quantizable', 'int8', 'kept'],
      properties: {
        requested: { type: 'boolean' },
        quantizable: { $ref: '#/definitions/count' },
        int8: { $ref: '#/definitions/count' },
        kept: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['node', 'opType', 'segment', 'precision', 'kind', 'reason'],
            properties: {
              node: { type: 'string' },
              opType: { type: 'string' },
              segment: { $ref: '#/definitions/count' },
              layer: { type: 'string' },
              precision: { type: 'string' },
              kind: { enum: ['backend', 'fallback', 'not-quantized', 'qdq-pass', 'policy', 'sensitivity'] },
              reason: { type: 'string' },
            },
          },
        },
        sensitivity: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['node', 'opType', 'cosine', 'maxAbsError', 'top1'],
            properties: {
              node: { type: 'string' },
              opType: { type: 'string' },
              cosine: { type: ['number', 'null'] },
              maxAbsError: { type: ['number', 'null'] },
              top1: { type: ['number', 'null'] },
            },
          },
        },
        policy: {
          type: 'object',
          additionalProperties: false,
          required: ['target', 'allInt8', 'final', 'kept', 'outcome', 'evaluations'],
          properties: {
            target: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: { cosine: { type: 'number' }, top1: { type: 'number' } },
            },
            allInt8: {
              type: 'object',
              additionalProperties: false,
              required: ['cosine', 'maxAbsError', 'top1'],
              properties: { cosine: { type: ['number', 'null'] }, maxAbsError: { type: ['number', 'null'] }, top1: { type: ['number', 'null'] } },
            },
            final: {
              type: 'object',
              additionalProperties: false,
              required: ['cosine', 'maxAbsError', 'top1'],
              properties: { cosine: { type: ['number', 'null'] }, maxAbsError: { type: ['number', 'null'] }, top1: { type: ['number', 'null'] } },
            },
            kept: { type: 'array', items: { type: 'string' } },
            outcome: { enum: ['met', 'met-as-is', 'all-kept'] },
            evaluations: { $ref: '#/definitions/count' },
          },
        },
      },
    },
  },
};
const schema13 = { type: 'array', items: { type: ['integer', 'string'] } };
const schema14 = { type: 'integer', minimum: 0 };
const schema19 = { type: 'array', items: { type: 'string' } };
const schema46 = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
const func2 = Object.prototype.hasOwnProperty;
const schema12 = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string' }, dtype: { type: 'string' }, shape: { $ref: '#/definitions/shape' }, bytes: { $ref: '#/definitions/count' } },
};
function validate11(data, { instancePath = '', parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == 'object' && !Array.isArray(data)) {
    if (data.name === undefined) {
      const err0 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'name' },
        message: "must have required property '" + 'name' + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === 'name' || key0 === 'dtype' || key0 === 'shape' || key0 === 'bytes')) {
        const err1 = {
          instancePath,
          schemaPath: '#/additionalProperties',
          keyword: 'additionalProperties',
          params: { additionalProperty: key0 },
          message: 'must NOT have additional properties',
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.name !== undefined) {
      if (typeof data.name !== 'string') {
        const err2 = {
          instancePath: instancePath + '/name',
          schemaPath: '#/properties/name/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string',
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.dtype !== undefined) {
      if (typeof data.dtype !== 'string') {
        const err3 = {
          instancePath: instancePath + '/dtype',
          schemaPath: '#/properties/dtype/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string',
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.shape !== undefined) {
      let data2 = data.shape;
      if (Array.isArray(data2)) {
        const len0 = data2.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data3 = data2[i0];
          if (!(typeof data3 == 'number' && !(data3 % 1) && !isNaN(data3) && isFinite(data3)) && typeof data3 !== 'string') {
            const err4 = {
              instancePath: instancePath + '/shape/' + i0,
              schemaPath: '#/definitions/shape/items/type',
              keyword: 'type',
              params: { type: schema13.items.type },
              message: 'must be integer,string',
            };
            if (vErrors === null) {
              vErrors = [err4];
            } else {
              vErrors.push(err4);
            }
            errors++;
          }
        }
      } else {
        const err5 = {
          instancePath: instancePath + '/shape',
          schemaPath: '#/definitions/shape/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.bytes !== undefined) {
      let data4 = data.bytes;
      if (!(typeof data4 == 'number' && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err6 = {
          instancePath: instancePath + '/bytes',
          schemaPath: '#/definitions/count/type',
          keyword: 'type',
          params: { type: 'integer' },
          message: 'must be integer',
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
      if (typeof data4 == 'number' && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err7 = {
            instancePath: instancePath + '/bytes',
            schemaPath: '#/definitions/count/minimum',
            keyword: 'minimum',
            params: { comparison: '>=', limit: 0 },
            message: 'must be >= 0',
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      }
    }
  } else {
    const err8 = { instancePath, schemaPath: '#/type', keyword: 'type', params: { type: 'object' }, message: 'must be object' };
    if (vErrors === null) {
      vErrors = [err8];
    } else {
      vErrors.push(err8);
    }
    errors++;
  }
  validate11.errors = vErrors;
  return errors === 0;
}
function validate10(data, { instancePath = '', parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == 'object' && !Array.isArray(data)) {
    if (data.schemaVersion === undefined) {
      const err0 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'schemaVersion' },
        message: "must have required property '" + 'schemaVersion' + "'",
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.model === undefined) {
      const err1 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'model' },
        message: "must have required property '" + 'model' + "'",
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.options === undefined) {
      const err2 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'options' },
        message: "must have required property '" + 'options' + "'",
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.summary === undefined) {
      const err3 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'summary' },
        message: "must have required property '" + 'summary' + "'",
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.unsupported === undefined) {
      const err4 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'unsupported' },
        message: "must have required property '" + 'unsupported' + "'",
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.nodes === undefined) {
      const err5 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'nodes' },
        message: "must have required property '" + 'nodes' + "'",
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.segments === undefined) {
      const err6 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'segments' },
        message: "must have required property '" + 'segments' + "'",
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.transfers === undefined) {
      const err7 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'transfers' },
        message: "must have required property '" + 'transfers' + "'",
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.values === undefined) {
      const err8 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'values' },
        message: "must have required property '" + 'values' + "'",
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.recommendations === undefined) {
      const err9 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'recommendations' },
        message: "must have required property '" + 'recommendations' + "'",
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    if (data.warnings === undefined) {
      const err10 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'warnings' },
        message: "must have required property '" + 'warnings' + "'",
      };
      if (vErrors === null) {
        vErrors = [err10];
      } else {
        vErrors.push(err10);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func2.call(schema11.properties, key0)) {
        const err11 = {
          instancePath,
          schemaPath: '#/additionalProperties',
          keyword: 'additionalProperties',
          params: { additionalProperty: key0 },
          message: 'must NOT have additional properties',
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.schemaVersion !== undefined) {
      if (1 !== data.schemaVersion) {
        const err12 = {
          instancePath: instancePath + '/schemaVersion',
          schemaPath: '#/properties/schemaVersion/const',
          keyword: 'const',
          params: { allowedValue: 1 },
          message: 'must be equal to constant',
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
    if (data.model !== undefined) {
      let data1 = data.model;
      if (data1 && typeof data1 == 'object' && !Array.isArray(data1)) {
        if (data1.file === undefined) {
          const err13 = {
            instancePath: instancePath + '/model',
            schemaPath: '#/properties/model/required',
            keyword: 'required',
            params: { missingProperty: 'file' },
            message: "must have required property '" + 'file' + "'",
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
        if (data1.graphName === undefined) {
          const err14 = {
            instancePath: instancePath + '/model',
            schemaPath: '#/properties/model/required',
            keyword: 'required',
            params: { missingProperty: 'graphName' },
            message: "must have required property '" + 'graphName' + "'",
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
        if (data1.opsets === undefined) {
          const err15 = {
            instancePath: instancePath + '/model',
            schemaPath: '#/properties/model/required',
            keyword: 'required',
            params: { missingProperty: 'opsets' },
            message: "must have required property '" + 'opsets' + "'",
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
        if (data1.inputs === undefined) {
          const err16 = {
            instancePath: instancePath + '/model',
            schemaPath: '#/properties/model/required',
            keyword: 'required',
            params: { missingProperty: 'inputs' },
            message: "must have required property '" + 'inputs' + "'",
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
        if (data1.outputs === undefined) {
          const err17 = {
            instancePath: instancePath + '/model',
            schemaPath: '#/properties/model/required',
            keyword: 'required',
            params: { missingProperty: 'outputs' },
            message: "must have required property '" + 'outputs' + "'",
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
        for (const key1 in data1) {
          if (!(
            key1 === 'file' ||
            key1 === 'graphName' ||
            key1 === 'producer' ||
            key1 === 'irVersion' ||
            key1 === 'opsets' ||
            key1 === 'inputs' ||
            key1 === 'outputs' ||
            key1 === 'profiles'
          )) {
            const err18 = {
              instancePath: instancePath + '/model',
              schemaPath: '#/properties/model/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key1 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err18];
            } else {
              vErrors.push(err18);
            }
            errors++;
          }
        }
        if (data1.file !== undefined) {
          if (typeof data1.file !== 'string') {
            const err19 = {
              instancePath: instancePath + '/model/file',
              schemaPath: '#/properties/model/properties/file/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string',
            };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
        if (data1.graphName !== undefined) {
          if (typeof data1.graphName !== 'string') {
            const err20 = {
              instancePath: instancePath + '/model/graphName',
              schemaPath: '#/properties/model/properties/graphName/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string',
            };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (data1.producer !== undefined) {
          if (typeof data1.producer !== 'string') {
            const err21 = {
              instancePath: instancePath + '/model/producer',
              schemaPath: '#/properties/model/properties/producer/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string',
            };
            if (vErrors === null) {
              vErrors = [err21];
            } else {
              vErrors.push(err21);
            }
            errors++;
          }
        }
        if (data1.irVersion !== undefined) {
          let data5 = data1.irVersion;
          if (!(typeof data5 == 'number' && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
            const err22 = {
              instancePath: instancePath + '/model/irVersion',
              schemaPath: '#/properties/model/properties/irVersion/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
        }
        if (data1.opsets !== undefined) {
          let data6 = data1.opsets;
          if (data6 && typeof data6 == 'object' && !Array.isArray(data6)) {
            for (const key2 in data6) {
              let data7 = data6[key2];
              if (!(typeof data7 == 'number' && !(data7 % 1) && !isNaN(data7) && isFinite(data7))) {
                const err23 = {
                  instancePath: instancePath + '/model/opsets/' + key2.replace(/~/g, '~0').replace(/\//g, '~1'),
                  schemaPath: '#/properties/model/properties/opsets/additionalProperties/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err23];
                } else {
                  vErrors.push(err23);
                }
                errors++;
              }
            }
          } else {
            const err24 = {
              instancePath: instancePath + '/model/opsets',
              schemaPath: '#/properties/model/properties/opsets/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        }
        if (data1.inputs !== undefined) {
          let data8 = data1.inputs;
          if (Array.isArray(data8)) {
            const len0 = data8.length;
            for (let i0 = 0; i0 < len0; i0++) {
              if (
                !validate11(data8[i0], { instancePath: instancePath + '/model/inputs/' + i0, parentData: data8, parentDataProperty: i0, rootData })
              ) {
                vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                errors = vErrors.length;
              }
            }
          } else {
            const err25 = {
              instancePath: instancePath + '/model/inputs',
              schemaPath: '#/properties/model/properties/inputs/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err25];
            } else {
              vErrors.push(err25);
            }
            errors++;
          }
        }
        if (data1.outputs !== undefined) {
          let data10 = data1.outputs;
          if (Array.isArray(data10)) {
            const len1 = data10.length;
            for (let i1 = 0; i1 < len1; i1++) {
              if (
                !validate11(data10[i1], { instancePath: instancePath + '/model/outputs/' + i1, parentData: data10, parentDataProperty: i1, rootData })
              ) {
                vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                errors = vErrors.length;
              }
            }
          } else {
            const err26 = {
              instancePath: instancePath + '/model/outputs',
              schemaPath: '#/properties/model/properties/outputs/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err26];
            } else {
              vErrors.push(err26);
            }
            errors++;
          }
        }
        if (data1.profiles !== undefined) {
          let data12 = data1.profiles;
          if (Array.isArray(data12)) {
            const len2 = data12.length;
            for (let i2 = 0; i2 < len2; i2++) {
              let data13 = data12[i2];
              if (data13 && typeof data13 == 'object' && !Array.isArray(data13)) {
                for (const key3 in data13) {
                  let data14 = data13[key3];
                  if (data14 && typeof data14 == 'object' && !Array.isArray(data14)) {
                    if (data14.min === undefined) {
                      const err27 = {
                        instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1'),
                        schemaPath: '#/properties/model/properties/profiles/items/additionalProperties/required',
                        keyword: 'required',
                        params: { missingProperty: 'min' },
                        message: "must have required property '" + 'min' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err27];
                      } else {
                        vErrors.push(err27);
                      }
                      errors++;
                    }
                    if (data14.opt === undefined) {
                      const err28 = {
                        instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1'),
                        schemaPath: '#/properties/model/properties/profiles/items/additionalProperties/required',
                        keyword: 'required',
                        params: { missingProperty: 'opt' },
                        message: "must have required property '" + 'opt' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err28];
                      } else {
                        vErrors.push(err28);
                      }
                      errors++;
                    }
                    if (data14.max === undefined) {
                      const err29 = {
                        instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1'),
                        schemaPath: '#/properties/model/properties/profiles/items/additionalProperties/required',
                        keyword: 'required',
                        params: { missingProperty: 'max' },
                        message: "must have required property '" + 'max' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err29];
                      } else {
                        vErrors.push(err29);
                      }
                      errors++;
                    }
                    for (const key4 in data14) {
                      if (!(key4 === 'min' || key4 === 'opt' || key4 === 'max')) {
                        const err30 = {
                          instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1'),
                          schemaPath: '#/properties/model/properties/profiles/items/additionalProperties/additionalProperties',
                          keyword: 'additionalProperties',
                          params: { additionalProperty: key4 },
                          message: 'must NOT have additional properties',
                        };
                        if (vErrors === null) {
                          vErrors = [err30];
                        } else {
                          vErrors.push(err30);
                        }
                        errors++;
                      }
                    }
                    if (data14.min !== undefined) {
                      let data15 = data14.min;
                      if (Array.isArray(data15)) {
                        const len3 = data15.length;
                        for (let i3 = 0; i3 < len3; i3++) {
                          let data16 = data15[i3];
                          if (!(typeof data16 == 'number' && !(data16 % 1) && !isNaN(data16) && isFinite(data16)) && typeof data16 !== 'string') {
                            const err31 = {
                              instancePath:
                                instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/min/' + i3,
                              schemaPath: '#/definitions/shape/items/type',
                              keyword: 'type',
                              params: { type: schema13.items.type },
                              message: 'must be integer,string',
                            };
                            if (vErrors === null) {
                              vErrors = [err31];
                            } else {
                              vErrors.push(err31);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err32 = {
                          instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/min',
                          schemaPath: '#/definitions/shape/type',
                          keyword: 'type',
                          params: { type: 'array' },
                          message: 'must be array',
                        };
                        if (vErrors === null) {
                          vErrors = [err32];
                        } else {
                          vErrors.push(err32);
                        }
                        errors++;
                      }
                    }
                    if (data14.opt !== undefined) {
                      let data17 = data14.opt;
                      if (Array.isArray(data17)) {
                        const len4 = data17.length;
                        for (let i4 = 0; i4 < len4; i4++) {
                          let data18 = data17[i4];
                          if (!(typeof data18 == 'number' && !(data18 % 1) && !isNaN(data18) && isFinite(data18)) && typeof data18 !== 'string') {
                            const err33 = {
                              instancePath:
                                instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/opt/' + i4,
                              schemaPath: '#/definitions/shape/items/type',
                              keyword: 'type',
                              params: { type: schema13.items.type },
                              message: 'must be integer,string',
                            };
                            if (vErrors === null) {
                              vErrors = [err33];
                            } else {
                              vErrors.push(err33);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err34 = {
                          instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/opt',
                          schemaPath: '#/definitions/shape/type',
                          keyword: 'type',
                          params: { type: 'array' },
                          message: 'must be array',
                        };
                        if (vErrors === null) {
                          vErrors = [err34];
                        } else {
                          vErrors.push(err34);
                        }
                        errors++;
                      }
                    }
                    if (data14.max !== undefined) {
                      let data19 = data14.max;
                      if (Array.isArray(data19)) {
                        const len5 = data19.length;
                        for (let i5 = 0; i5 < len5; i5++) {
                          let data20 = data19[i5];
                          if (!(typeof data20 == 'number' && !(data20 % 1) && !isNaN(data20) && isFinite(data20)) && typeof data20 !== 'string') {
                            const err35 = {
                              instancePath:
                                instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/max/' + i5,
                              schemaPath: '#/definitions/shape/items/type',
                              keyword: 'type',
                              params: { type: schema13.items.type },
                              message: 'must be integer,string',
                            };
                            if (vErrors === null) {
                              vErrors = [err35];
                            } else {
                              vErrors.push(err35);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err36 = {
                          instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1') + '/max',
                          schemaPath: '#/definitions/shape/type',
                          keyword: 'type',
                          params: { type: 'array' },
                          message: 'must be array',
                        };
                        if (vErrors === null) {
                          vErrors = [err36];
                        } else {
                          vErrors.push(err36);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err37 = {
                      instancePath: instancePath + '/model/profiles/' + i2 + '/' + key3.replace(/~/g, '~0').replace(/\//g, '~1'),
                      schemaPath: '#/properties/model/properties/profiles/items/additionalProperties/type',
                      keyword: 'type',
                      params: { type: 'object' },
                      message: 'must be object',
                    };
                    if (vErrors === null) {
                      vErrors = [err37];
                    } else {
                      vErrors.push(err37);
                    }
                    errors++;
                  }
                }
              } else {
                const err38 = {
                  instancePath: instancePath + '/model/profiles/' + i2,
                  schemaPath: '#/properties/model/properties/profiles/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err38];
                } else {
                  vErrors.push(err38);
                }
                errors++;
              }
            }
          } else {
            const err39 = {
              instancePath: instancePath + '/model/profiles',
              schemaPath: '#/properties/model/properties/profiles/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
      } else {
        const err40 = {
          instancePath: instancePath + '/model',
          schemaPath: '#/properties/model/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.options !== undefined) {
      let data21 = data.options;
      if (data21 && typeof data21 == 'object' && !Array.isArray(data21)) {
        if (data21.minBlockSize === undefined) {
          const err41 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'minBlockSize' },
            message: "must have required property '" + 'minBlockSize' + "'",
          };
          if (vErrors === null) {
            vErrors = [err41];
          } else {
            vErrors.push(err41);
          }
          errors++;
        }
        if (data21.requireFullCompilation === undefined) {
          const err42 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'requireFullCompilation' },
            message: "must have required property '" + 'requireFullCompilation' + "'",
          };
          if (vErrors === null) {
            vErrors = [err42];
          } else {
            vErrors.push(err42);
          }
          errors++;
        }
        if (data21.fallbackOps === undefined) {
          const err43 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackOps' },
            message: "must have required property '" + 'fallbackOps' + "'",
          };
          if (vErrors === null) {
            vErrors = [err43];
          } else {
            vErrors.push(err43);
          }
          errors++;
        }
        if (data21.fallbackNodes === undefined) {
          const err44 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackNodes' },
            message: "must have required property '" + 'fallbackNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err44];
          } else {
            vErrors.push(err44);
          }
          errors++;
        }
        for (const key5 in data21) {
          if (!(key5 === 'minBlockSize' || key5 === 'requireFullCompilation' || key5 === 'fallbackOps' || key5 === 'fallbackNodes')) {
            const err45 = {
              instancePath: instancePath + '/options',
              schemaPath: '#/properties/options/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key5 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err45];
            } else {
              vErrors.push(err45);
            }
            errors++;
          }
        }
        if (data21.minBlockSize !== undefined) {
          let data22 = data21.minBlockSize;
          if (!(typeof data22 == 'number' && !(data22 % 1) && !isNaN(data22) && isFinite(data22))) {
            const err46 = {
              instancePath: instancePath + '/options/minBlockSize',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err46];
            } else {
              vErrors.push(err46);
            }
            errors++;
          }
          if (typeof data22 == 'number' && isFinite(data22)) {
            if (data22 < 0 || isNaN(data22)) {
              const err47 = {
                instancePath: instancePath + '/options/minBlockSize',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err47];
              } else {
                vErrors.push(err47);
              }
              errors++;
            }
          }
        }
        if (data21.requireFullCompilation !== undefined) {
          if (typeof data21.requireFullCompilation !== 'boolean') {
            const err48 = {
              instancePath: instancePath + '/options/requireFullCompilation',
              schemaPath: '#/properties/options/properties/requireFullCompilation/type',
              keyword: 'type',
              params: { type: 'boolean' },
              message: 'must be boolean',
            };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
        }
        if (data21.fallbackOps !== undefined) {
          let data24 = data21.fallbackOps;
          if (Array.isArray(data24)) {
            const len6 = data24.length;
            for (let i6 = 0; i6 < len6; i6++) {
              if (typeof data24[i6] !== 'string') {
                const err49 = {
                  instancePath: instancePath + '/options/fallbackOps/' + i6,
                  schemaPath: '#/definitions/strings/items/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err49];
                } else {
                  vErrors.push(err49);
                }
                errors++;
              }
            }
          } else {
            const err50 = {
              instancePath: instancePath + '/options/fallbackOps',
              schemaPath: '#/definitions/strings/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err50];
            } else {
              vErrors.push(err50);
            }
            errors++;
          }
        }
        if (data21.fallbackNodes !== undefined) {
          let data26 = data21.fallbackNodes;
          if (Array.isArray(data26)) {
            const len7 = data26.length;
            for (let i7 = 0; i7 < len7; i7++) {
              if (typeof data26[i7] !== 'string') {
                const err51 = {
                  instancePath: instancePath + '/options/fallbackNodes/' + i7,
                  schemaPath: '#/definitions/strings/items/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err51];
                } else {
                  vErrors.push(err51);
                }
                errors++;
              }
            }
          } else {
            const err52 = {
              instancePath: instancePath + '/options/fallbackNodes',
              schemaPath: '#/definitions/strings/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err52];
            } else {
              vErrors.push(err52);
            }
            errors++;
          }
        }
      } else {
        const err53 = {
          instancePath: instancePath + '/options',
          schemaPath: '#/properties/options/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err53];
        } else {
          vErrors.push(err53);
        }
        errors++;
      }
    }
    if (data.summary !== undefined) {
      let data28 = data.summary;
      if (data28 && typeof data28 == 'object' && !Array.isArray(data28)) {
        if (data28.nodes === undefined) {
          const err54 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'nodes' },
            message: "must have required property '" + 'nodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err54];
          } else {
            vErrors.push(err54);
          }
          errors++;
        }
        if (data28.supportedNodes === undefined) {
          const err55 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'supportedNodes' },
            message: "must have required property '" + 'supportedNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err55];
          } else {
            vErrors.push(err55);
          }
          errors++;
        }
        if (data28.engineNodes === undefined) {
          const err56 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'engineNodes' },
            message: "must have required property '" + 'engineNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err56];
          } else {
            vErrors.push(err56);
          }
          errors++;
        }
        if (data28.coverage === undefined) {
          const err57 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'coverage' },
            message: "must have required property '" + 'coverage' + "'",
          };
          if (vErrors === null) {
            vErrors = [err57];
          } else {
            vErrors.push(err57);
          }
          errors++;
        }
        if (data28.engineSegments === undefined) {
          const err58 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'engineSegments' },
            message: "must have required property '" + 'engineSegments' + "'",
          };
          if (vErrors === null) {
            vErrors = [err58];
          } else {
            vErrors.push(err58);
          }
          errors++;
        }
        if (data28.fallbackSegments === undefined) {
          const err59 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackSegments' },
            message: "must have required property '" + 'fallbackSegments' + "'",
          };
          if (vErrors === null) {
            vErrors = [err59];
          } else {
            vErrors.push(err59);
          }
          errors++;
        }
        if (data28.boundaryTransfers === undefined) {
          const err60 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'boundaryTransfers' },
            message: "must have required property '" + 'boundaryTransfers' + "'",
          };
          if (vErrors === null) {
            vErrors = [err60];
          } else {
            vErrors.push(err60);
          }
          errors++;
        }
        if (data28.boundaryBytes === undefined) {
          const err61 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'boundaryBytes' },
            message: "must have required property '" + 'boundaryBytes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err61];
          } else {
            vErrors.push(err61);
          }
          errors++;
        }
        if (data28.unknownBytesTransfers === undefined) {
          const err62 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'unknownBytesTransfers' },
            message: "must have required property '" + 'unknownBytesTransfers' + "'",
          };
          if (vErrors === null) {
            vErrors = [err62];
          } else {
            vErrors.push(err62);
          }
          errors++;
        }
        if (data28.hostDeviceCopies === undefined) {
          const err63 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'hostDeviceCopies' },
            message: "must have required property '" + 'hostDeviceCopies' + "'",
          };
          if (vErrors === null) {
            vErrors = [err63];
          } else {
            vErrors.push(err63);
          }
          errors++;
        }
        if (data28.hostDeviceBytes === undefined) {
          const err64 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'hostDeviceBytes' },
            message: "must have required property '" + 'hostDeviceBytes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err64];
          } else {
            vErrors.push(err64);
          }
          errors++;
        }
        for (const key6 in data28) {
          if (!func2.call(schema11.properties.summary.properties, key6)) {
            const err65 = {
              instancePath: instancePath + '/summary',
              schemaPath: '#/properties/summary/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key6 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err65];
            } else {
              vErrors.push(err65);
            }
            errors++;
          }
        }
        if (data28.nodes !== undefined) {
          let data29 = data28.nodes;
          if (!(typeof data29 == 'number' && !(data29 % 1) && !isNaN(data29) && isFinite(data29))) {
            const err66 = {
              instancePath: instancePath + '/summary/nodes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err66];
            } else {
              vErrors.push(err66);
            }
            errors++;
          }
          if (typeof data29 == 'number' && isFinite(data29)) {
            if (data29 < 0 || isNaN(data29)) {
              const err67 = {
                instancePath: instancePath + '/summary/nodes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err67];
              } else {
                vErrors.push(err67);
              }
              errors++;
            }
          }
        }
        if (data28.supportedNodes !== undefined) {
          let data30 = data28.supportedNodes;
          if (!(typeof data30 == 'number' && !(data30 % 1) && !isNaN(data30) && isFinite(data30))) {
            const err68 = {
              instancePath: instancePath + '/summary/supportedNodes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err68];
            } else {
              vErrors.push(err68);
            }
            errors++;
          }
          if (typeof data30 == 'number' && isFinite(data30)) {
            if (data30 < 0 || isNaN(data30)) {
              const err69 = {
                instancePath: instancePath + '/summary/supportedNodes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err69];
              } else {
                vErrors.push(err69);
              }
              errors++;
            }
          }
        }
        if (data28.engineNodes !== undefined) {
          let data31 = data28.engineNodes;
          if (!(typeof data31 == 'number' && !(data31 % 1) && !isNaN(data31) && isFinite(data31))) {
            const err70 = {
              instancePath: instancePath + '/summary/engineNodes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err70];
            } else {
              vErrors.push(err70);
            }
            errors++;
          }
          if (typeof data31 == 'number' && isFinite(data31)) {
            if (data31 < 0 || isNaN(data31)) {
              const err71 = {
                instancePath: instancePath + '/summary/engineNodes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err71];
              } else {
                vErrors.push(err71);
              }
              errors++;
            }
          }
        }
        if (data28.coverage !== undefined) {
          let data32 = data28.coverage;
          if (typeof data32 == 'number' && isFinite(data32)) {
            if (data32 > 1 || isNaN(data32)) {
              const err72 = {
                instancePath: instancePath + '/summary/coverage',
                schemaPath: '#/properties/summary/properties/coverage/maximum',
                keyword: 'maximum',
                params: { comparison: '<=', limit: 1 },
                message: 'must be <= 1',
              };
              if (vErrors === null) {
                vErrors = [err72];
              } else {
                vErrors.push(err72);
              }
              errors++;
            }
            if (data32 < 0 || isNaN(data32)) {
              const err73 = {
                instancePath: instancePath + '/summary/coverage',
                schemaPath: '#/properties/summary/properties/coverage/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err73];
              } else {
                vErrors.push(err73);
              }
              errors++;
            }
          } else {
            const err74 = {
              instancePath: instancePath + '/summary/coverage',
              schemaPath: '#/properties/summary/properties/coverage/type',
              keyword: 'type',
              params: { type: 'number' },
              message: 'must be number',
            };
            if (vErrors === null) {
              vErrors = [err74];
            } else {
              vErrors.push(err74);
            }
            errors++;
          }
        }
        if (data28.engineSegments !== undefined) {
          let data33 = data28.engineSegments;
          if (!(typeof data33 == 'number' && !(data33 % 1) && !isNaN(data33) && isFinite(data33))) {
            const err75 = {
              instancePath: instancePath + '/summary/engineSegments',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err75];
            } else {
              vErrors.push(err75);
            }
            errors++;
          }
          if (typeof data33 == 'number' && isFinite(data33)) {
            if (data33 < 0 || isNaN(data33)) {
              const err76 = {
                instancePath: instancePath + '/summary/engineSegments',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err76];
              } else {
                vErrors.push(err76);
              }
              errors++;
            }
          }
        }
        if (data28.fallbackSegments !== undefined) {
          let data34 = data28.fallbackSegments;
          if (!(typeof data34 == 'number' && !(data34 % 1) && !isNaN(data34) && isFinite(data34))) {
            const err77 = {
              instancePath: instancePath + '/summary/fallbackSegments',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err77];
            } else {
              vErrors.push(err77);
            }
            errors++;
          }
          if (typeof data34 == 'number' && isFinite(data34)) {
            if (data34 < 0 || isNaN(data34)) {
              const err78 = {
                instancePath: instancePath + '/summary/fallbackSegments',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err78];
              } else {
                vErrors.push(err78);
              }
              errors++;
            }
          }
        }
        if (data28.boundaryTransfers !== undefined) {
          let data35 = data28.boundaryTransfers;
          if (!(typeof data35 == 'number' && !(data35 % 1) && !isNaN(data35) && isFinite(data35))) {
            const err79 = {
              instancePath: instancePath + '/summary/boundaryTransfers',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err79];
            } else {
              vErrors.push(err79);
            }
            errors++;
          }
          if (typeof data35 == 'number' && isFinite(data35)) {
            if (data35 < 0 || isNaN(data35)) {
              const err80 = {
                instancePath: instancePath + '/summary/boundaryTransfers',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err80];
              } else {
                vErrors.push(err80);
              }
              errors++;
            }
          }
        }
        if (data28.boundaryBytes !== undefined) {
          let data36 = data28.boundaryBytes;
          if (!(typeof data36 == 'number' && !(data36 % 1) && !isNaN(data36) && isFinite(data36))) {
            const err81 = {
              instancePath: instancePath + '/summary/boundaryBytes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err81];
            } else {
              vErrors.push(err81);
            }
            errors++;
          }
          if (typeof data36 == 'number' && isFinite(data36)) {
            if (data36 < 0 || isNaN(data36)) {
              const err82 = {
                instancePath: instancePath + '/summary/boundaryBytes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err82];
              } else {
                vErrors.push(err82);
              }
              errors++;
            }
          }
        }
        if (data28.unknownBytesTransfers !== undefined) {
          let data37 = data28.unknownBytesTransfers;
          if (!(typeof data37 == 'number' && !(data37 % 1) && !isNaN(data37) && isFinite(data37))) {
            const err83 = {
              instancePath: instancePath + '/summary/unknownBytesTransfers',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err83];
            } else {
              vErrors.push(err83);
            }
            errors++;
          }
          if (typeof data37 == 'number' && isFinite(data37)) {
            if (data37 < 0 || isNaN(data37)) {
              const err84 = {
                instancePath: instancePath + '/summary/unknownBytesTransfers',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err84];
              } else {
                vErrors.push(err84);
              }
              errors++;
            }
          }
        }
        if (data28.hostDeviceCopies !== undefined) {
          let data38 = data28.hostDeviceCopies;
          if (!(typeof data38 == 'number' && !(data38 % 1) && !isNaN(data38) && isFinite(data38))) {
            const err85 = {
              instancePath: instancePath + '/summary/hostDeviceCopies',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err85];
            } else {
              vErrors.push(err85);
            }
            errors++;
          }
          if (typeof data38 == 'number' && isFinite(data38)) {
            if (data38 < 0 || isNaN(data38)) {
              const err86 = {
                instancePath: instancePath + '/summary/hostDeviceCopies',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err86];
              } else {
                vErrors.push(err86);
              }
              errors++;
            }
          }
        }
        if (data28.hostDeviceBytes !== undefined) {
          let data39 = data28.hostDeviceBytes;
          if (!(typeof data39 == 'number' && !(data39 % 1) && !isNaN(data39) && isFinite(data39))) {
            const err87 = {
              instancePath: instancePath + '/summary/hostDeviceBytes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err87];
            } else {
              vErrors.push(err87);
            }
            errors++;
          }
          if (typeof data39 == 'number' && isFinite(data39)) {
            if (data39 < 0 || isNaN(data39)) {
              const err88 = {
                instancePath: instancePath + '/summary/hostDeviceBytes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err88];
              } else {
                vErrors.push(err88);
              }
              errors++;
            }
          }
        }
      } else {
        const err89 = {
          instancePath: instancePath + '/summary',
          schemaPath: '#/properties/summary/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err89];
        } else {
          vErrors.push(err89);
        }
        errors++;
      }
    }
    if (data.unsupported !== undefined) {
      let data40 = data.unsupported;
      if (Array.isArray(data40)) {
        const len8 = data40.length;
        for (let i8 = 0; i8 < len8; i8++) {
          let data41 = data40[i8];
          if (data41 && typeof data41 == 'object' && !Array.isArray(data41)) {
            if (data41.opType === undefined) {
              const err90 = {
                instancePath: instancePath + '/unsupported/' + i8,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'opType' },
                message: "must have required property '" + 'opType' + "'",
              };
              if (vErrors === null) {
                vErrors = [err90];
              } else {
                vErrors.push(err90);
              }
              errors++;
            }
            if (data41.domain === undefined) {
              const err91 = {
                instancePath: instancePath + '/unsupported/' + i8,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'domain' },
                message: "must have required property '" + 'domain' + "'",
              };
              if (vErrors === null) {
                vErrors = [err91];
              } else {
                vErrors.push(err91);
              }
              errors++;
            }
            if (data41.count === undefined) {
              const err92 = {
                instancePath: instancePath + '/unsupported/' + i8,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'count' },
                message: "must have required property '" + 'count' + "'",
              };
              if (vErrors === null) {
                vErrors = [err92];
              } else {
                vErrors.push(err92);
              }
              errors++;
            }
            if (data41.reasons === undefined) {
              const err93 = {
                instancePath: instancePath + '/unsupported/' + i8,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'reasons' },
                message: "must have required property '" + 'reasons' + "'",
              };
              if (vErrors === null) {
                vErrors = [err93];
              } else {
                vErrors.push(err93);
              }
              errors++;
            }
            for (const key7 in data41) {
              if (!(key7 === 'opType' || key7 === 'domain' || key7 === 'count' || key7 === 'reasons')) {
                const err94 = {
                  instancePath: instancePath + '/unsupported/' + i8,
                  schemaPath: '#/properties/unsupported/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key7 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err94];
                } else {
                  vErrors.push(err94);
                }
                errors++;
              }
            }
            if (data41.opType !== undefined) {
              if (typeof data41.opType !== 'string') {
                const err95 = {
                  instancePath: instancePath + '/unsupported/' + i8 + '/opType',
                  schemaPath: '#/properties/unsupported/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err95];
                } else {
                  vErrors.push(err95);
                }
                errors++;
              }
            }
            if (data41.domain !== undefined) {
              if (typeof data41.domain !== 'string') {
                const err96 = {
                  instancePath: instancePath + '/unsupported/' + i8 + '/domain',
                  schemaPath: '#/properties/unsupported/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err96];
                } else {
                  vErrors.push(err96);
                }
                errors++;
              }
            }
            if (data41.count !== undefined) {
              let data44 = data41.count;
              if (!(typeof data44 == 'number' && !(data44 % 1) && !isNaN(data44) && isFinite(data44))) {
                const err97 = {
                  instancePath: instancePath + '/unsupported/' + i8 + '/count',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err97];
                } else {
                  vErrors.push(err97);
                }
                errors++;
              }
              if (typeof data44 == 'number' && isFinite(data44)) {
                if (data44 < 0 || isNaN(data44)) {
                  const err98 = {
                    instancePath: instancePath + '/unsupported/' + i8 + '/count',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err98];
                  } else {
                    vErrors.push(err98);
                  }
                  errors++;
                }
              }
            }
            if (data41.reasons !== undefined) {
              let data45 = data41.reasons;
              if (Array.isArray(data45)) {
                const len9 = data45.length;
                for (let i9 = 0; i9 < len9; i9++) {
                  let data46 = data45[i9];
                  if (data46 && typeof data46 == 'object' && !Array.isArray(data46)) {
                    if (data46.reason === undefined) {
                      const err99 = {
                        instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9,
                        schemaPath: '#/properties/unsupported/items/properties/reasons/items/required',
                        keyword: 'required',
                        params: { missingProperty: 'reason' },
                        message: "must have required property '" + 'reason' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err99];
                      } else {
                        vErrors.push(err99);
                      }
                      errors++;
                    }
                    if (data46.nodes === undefined) {
                      const err100 = {
                        instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9,
                        schemaPath: '#/properties/unsupported/items/properties/reasons/items/required',
                        keyword: 'required',
                        params: { missingProperty: 'nodes' },
                        message: "must have required property '" + 'nodes' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err100];
                      } else {
                        vErrors.push(err100);
                      }
                      errors++;
                    }
                    for (const key8 in data46) {
                      if (!(key8 === 'reason' || key8 === 'nodes')) {
                        const err101 = {
                          instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9,
                          schemaPath: '#/properties/unsupported/items/properties/reasons/items/additionalProperties',
                          keyword: 'additionalProperties',
                          params: { additionalProperty: key8 },
                          message: 'must NOT have additional properties',
                        };
                        if (vErrors === null) {
                          vErrors = [err101];
                        } else {
                          vErrors.push(err101);
                        }
                        errors++;
                      }
                    }
                    if (data46.reason !== undefined) {
                      if (typeof data46.reason !== 'string') {
                        const err102 = {
                          instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9 + '/reason',
                          schemaPath: '#/properties/unsupported/items/properties/reasons/items/properties/reason/type',
                          keyword: 'type',
                          params: { type: 'string' },
                          message: 'must be string',
                        };
                        if (vErrors === null) {
                          vErrors = [err102];
                        } else {
                          vErrors.push(err102);
                        }
                        errors++;
                      }
                    }
                    if (data46.nodes !== undefined) {
                      let data48 = data46.nodes;
                      if (Array.isArray(data48)) {
                        const len10 = data48.length;
                        for (let i10 = 0; i10 < len10; i10++) {
                          if (typeof data48[i10] !== 'string') {
                            const err103 = {
                              instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9 + '/nodes/' + i10,
                              schemaPath: '#/definitions/strings/items/type',
                              keyword: 'type',
                              params: { type: 'string' },
                              message: 'must be string',
                            };
                            if (vErrors === null) {
                              vErrors = [err103];
                            } else {
                              vErrors.push(err103);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err104 = {
                          instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9 + '/nodes',
                          schemaPath: '#/definitions/strings/type',
                          keyword: 'type',
                          params: { type: 'array' },
                          message: 'must be array',
                        };
                        if (vErrors === null) {
                          vErrors = [err104];
                        } else {
                          vErrors.push(err104);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err105 = {
                      instancePath: instancePath + '/unsupported/' + i8 + '/reasons/' + i9,
                      schemaPath: '#/properties/unsupported/items/properties/reasons/items/type',
                      keyword: 'type',
                      params: { type: 'object' },
                      message: 'must be object',
                    };
                    if (vErrors === null) {
                      vErrors = [err105];
                    } else {
                      vErrors.push(err105);
                    }
                    errors++;
                  }
                }
              } else {
                const err106 = {
                  instancePath: instancePath + '/unsupported/' + i8 + '/reasons',
                  schemaPath: '#/properties/unsupported/items/properties/reasons/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err106];
                } else {
                  vErrors.push(err106);
                }
                errors++;
              }
            }
          } else {
            const err107 = {
              instancePath: instancePath + '/unsupported/' + i8,
              schemaPath: '#/properties/unsupported/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err107];
            } else {
              vErrors.push(err107);
            }
            errors++;
          }
        }
      } else {
        const err108 = {
          instancePath: instancePath + '/unsupported',
          schemaPath: '#/properties/unsupported/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err108];
        } else {
          vErrors.push(err108);
        }
        errors++;
      }
    }
    if (data.nodes !== undefined) {
      let data50 = data.nodes;
      if (Array.isArray(data50)) {
        const len11 = data50.length;
        for (let i11 = 0; i11 < len11; i11++) {
          let data51 = data50[i11];
          if (data51 && typeof data51 == 'object' && !Array.isArray(data51)) {
            if (data51.name === undefined) {
              const err109 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'name' },
                message: "must have required property '" + 'name' + "'",
              };
              if (vErrors === null) {
                vErrors = [err109];
              } else {
                vErrors.push(err109);
              }
              errors++;
            }
            if (data51.opType === undefined) {
              const err110 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'opType' },
                message: "must have required property '" + 'opType' + "'",
              };
              if (vErrors === null) {
                vErrors = [err110];
              } else {
                vErrors.push(err110);
              }
              errors++;
            }
            if (data51.domain === undefined) {
              const err111 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'domain' },
                message: "must have required property '" + 'domain' + "'",
              };
              if (vErrors === null) {
                vErrors = [err111];
              } else {
                vErrors.push(err111);
              }
              errors++;
            }
            if (data51.segment === undefined) {
              const err112 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'segment' },
                message: "must have required property '" + 'segment' + "'",
              };
              if (vErrors === null) {
                vErrors = [err112];
              } else {
                vErrors.push(err112);
              }
              errors++;
            }
            if (data51.supported === undefined) {
              const err113 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'supported' },
                message: "must have required property '" + 'supported' + "'",
              };
              if (vErrors === null) {
                vErrors = [err113];
              } else {
                vErrors.push(err113);
              }
              errors++;
            }
            if (data51.inputs === undefined) {
              const err114 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'inputs' },
                message: "must have required property '" + 'inputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err114];
              } else {
                vErrors.push(err114);
              }
              errors++;
            }
            if (data51.outputs === undefined) {
              const err115 = {
                instancePath: instancePath + '/nodes/' + i11,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'outputs' },
                message: "must have required property '" + 'outputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err115];
              } else {
                vErrors.push(err115);
              }
              errors++;
            }
            for (const key9 in data51) {
              if (!func2.call(schema11.properties.nodes.items.properties, key9)) {
                const err116 = {
                  instancePath: instancePath + '/nodes/' + i11,
                  schemaPath: '#/properties/nodes/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key9 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err116];
                } else {
                  vErrors.push(err116);
                }
                errors++;
              }
            }
            if (data51.name !== undefined) {
              if (typeof data51.name !== 'string') {
                const err117 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/name',
                  schemaPath: '#/properties/nodes/items/properties/name/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err117];
                } else {
                  vErrors.push(err117);
                }
                errors++;
              }
            }
            if (data51.opType !== undefined) {
              if (typeof data51.opType !== 'string') {
                const err118 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/opType',
                  schemaPath: '#/properties/nodes/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err118];
                } else {
                  vErrors.push(err118);
                }
                errors++;
              }
            }
            if (data51.domain !== undefined) {
              if (typeof data51.domain !== 'string') {
                const err119 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/domain',
                  schemaPath: '#/properties/nodes/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err119];
                } else {
                  vErrors.push(err119);
                }
                errors++;
              }
            }
            if (data51.segment !== undefined) {
              let data55 = data51.segment;
              if (!(typeof data55 == 'number' && !(data55 % 1) && !isNaN(data55) && isFinite(data55))) {
                const err120 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/segment',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err120];
                } else {
                  vErrors.push(err120);
                }
                errors++;
              }
              if (typeof data55 == 'number' && isFinite(data55)) {
                if (data55 < 0 || isNaN(data55)) {
                  const err121 = {
                    instancePath: instancePath + '/nodes/' + i11 + '/segment',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err121];
                  } else {
                    vErrors.push(err121);
                  }
                  errors++;
                }
              }
            }
            if (data51.supported !== undefined) {
              if (typeof data51.supported !== 'boolean') {
                const err122 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/supported',
                  schemaPath: '#/properties/nodes/items/properties/supported/type',
                  keyword: 'type',
                  params: { type: 'boolean' },
                  message: 'must be boolean',
                };
                if (vErrors === null) {
                  vErrors = [err122];
                } else {
                  vErrors.push(err122);
                }
                errors++;
              }
            }
            if (data51.reason !== undefined) {
              if (typeof data51.reason !== 'string') {
                const err123 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/reason',
                  schemaPath: '#/properties/nodes/items/properties/reason/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err123];
                } else {
                  vErrors.push(err123);
                }
                errors++;
              }
            }
            if (data51.forced !== undefined) {
              let data58 = data51.forced;
              if (!(data58 === 'fallbackOps' || data58 === 'fallbackNodes')) {
                const err124 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/forced',
                  schemaPath: '#/properties/nodes/items/properties/forced/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.nodes.items.properties.forced.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err124];
                } else {
                  vErrors.push(err124);
                }
                errors++;
              }
            }
            if (data51.demoted !== undefined) {
              if (typeof data51.demoted !== 'boolean') {
                const err125 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/demoted',
                  schemaPath: '#/properties/nodes/items/properties/demoted/type',
                  keyword: 'type',
                  params: { type: 'boolean' },
                  message: 'must be boolean',
                };
                if (vErrors === null) {
                  vErrors = [err125];
                } else {
                  vErrors.push(err125);
                }
                errors++;
              }
            }
            if (data51.inputs !== undefined) {
              let data60 = data51.inputs;
              if (Array.isArray(data60)) {
                const len12 = data60.length;
                for (let i12 = 0; i12 < len12; i12++) {
                  if (typeof data60[i12] !== 'string') {
                    const err126 = {
                      instancePath: instancePath + '/nodes/' + i11 + '/inputs/' + i12,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err126];
                    } else {
                      vErrors.push(err126);
                    }
                    errors++;
                  }
                }
              } else {
                const err127 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/inputs',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err127];
                } else {
                  vErrors.push(err127);
                }
                errors++;
              }
            }
            if (data51.outputs !== undefined) {
              let data62 = data51.outputs;
              if (Array.isArray(data62)) {
                const len13 = data62.length;
                for (let i13 = 0; i13 < len13; i13++) {
                  if (typeof data62[i13] !== 'string') {
                    const err128 = {
                      instancePath: instancePath + '/nodes/' + i11 + '/outputs/' + i13,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err128];
                    } else {
                      vErrors.push(err128);
                    }
                    errors++;
                  }
                }
              } else {
                const err129 = {
                  instancePath: instancePath + '/nodes/' + i11 + '/outputs',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err129];
                } else {
                  vErrors.push(err129);
                }
                errors++;
              }
            }
          } else {
            const err130 = {
              instancePath: instancePath + '/nodes/' + i11,
              schemaPath: '#/properties/nodes/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err130];
            } else {
              vErrors.push(err130);
            }
            errors++;
          }
        }
      } else {
        const err131 = {
          instancePath: instancePath + '/nodes',
          schemaPath: '#/properties/nodes/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err131];
        } else {
          vErrors.push(err131);
        }
        errors++;
      }
    }
    if (data.segments !== undefined) {
      let data64 = data.segments;
      if (Array.isArray(data64)) {
        const len14 = data64.length;
        for (let i14 = 0; i14 < len14; i14++) {
          let data65 = data64[i14];
          if (data65 && typeof data65 == 'object' && !Array.isArray(data65)) {
            if (data65.id === undefined) {
              const err132 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'id' },
                message: "must have required property '" + 'id' + "'",
              };
              if (vErrors === null) {
                vErrors = [err132];
              } else {
                vErrors.push(err132);
              }
              errors++;
            }
            if (data65.kind === undefined) {
              const err133 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'kind' },
                message: "must have required property '" + 'kind' + "'",
              };
              if (vErrors === null) {
                vErrors = [err133];
              } else {
                vErrors.push(err133);
              }
              errors++;
            }
            if (data65.nodes === undefined) {
              const err134 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'nodes' },
                message: "must have required property '" + 'nodes' + "'",
              };
              if (vErrors === null) {
                vErrors = [err134];
              } else {
                vErrors.push(err134);
              }
              errors++;
            }
            if (data65.ops === undefined) {
              const err135 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'ops' },
                message: "must have required property '" + 'ops' + "'",
              };
              if (vErrors === null) {
                vErrors = [err135];
              } else {
                vErrors.push(err135);
              }
              errors++;
            }
            if (data65.inputs === undefined) {
              const err136 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'inputs' },
                message: "must have required property '" + 'inputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err136];
              } else {
                vErrors.push(err136);
              }
              errors++;
            }
            if (data65.outputs === undefined) {
              const err137 = {
                instancePath: instancePath + '/segments/' + i14,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'outputs' },
                message: "must have required property '" + 'outputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err137];
              } else {
                vErrors.push(err137);
              }
              errors++;
            }
            for (const key10 in data65) {
              if (!(key10 === 'id' || key10 === 'kind' || key10 === 'nodes' || key10 === 'ops' || key10 === 'inputs' || key10 === 'outputs')) {
                const err138 = {
                  instancePath: instancePath + '/segments/' + i14,
                  schemaPath: '#/properties/segments/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key10 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err138];
                } else {
                  vErrors.push(err138);
                }
                errors++;
              }
            }
            if (data65.id !== undefined) {
              let data66 = data65.id;
              if (!(typeof data66 == 'number' && !(data66 % 1) && !isNaN(data66) && isFinite(data66))) {
                const err139 = {
                  instancePath: instancePath + '/segments/' + i14 + '/id',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err139];
                } else {
                  vErrors.push(err139);
                }
                errors++;
              }
              if (typeof data66 == 'number' && isFinite(data66)) {
                if (data66 < 0 || isNaN(data66)) {
                  const err140 = {
                    instancePath: instancePath + '/segments/' + i14 + '/id',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err140];
                  } else {
                    vErrors.push(err140);
                  }
                  errors++;
                }
              }
            }
            if (data65.kind !== undefined) {
              let data67 = data65.kind;
              if (!(data67 === 'engine' || data67 === 'fallback')) {
                const err141 = {
                  instancePath: instancePath + '/segments/' + i14 + '/kind',
                  schemaPath: '#/properties/segments/items/properties/kind/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.segments.items.properties.kind.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err141];
                } else {
                  vErrors.push(err141);
                }
                errors++;
              }
            }
            if (data65.nodes !== undefined) {
              let data68 = data65.nodes;
              if (Array.isArray(data68)) {
                const len15 = data68.length;
                for (let i15 = 0; i15 < len15; i15++) {
                  if (typeof data68[i15] !== 'string') {
                    const err142 = {
                      instancePath: instancePath + '/segments/' + i14 + '/nodes/' + i15,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err142];
                    } else {
                      vErrors.push(err142);
                    }
                    errors++;
                  }
                }
              } else {
                const err143 = {
                  instancePath: instancePath + '/segments/' + i14 + '/nodes',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err143];
                } else {
                  vErrors.push(err143);
                }
                errors++;
              }
            }
            if (data65.ops !== undefined) {
              let data70 = data65.ops;
              if (data70 && typeof data70 == 'object' && !Array.isArray(data70)) {
                for (const key11 in data70) {
                  let data71 = data70[key11];
                  if (!(typeof data71 == 'number' && !(data71 % 1) && !isNaN(data71) && isFinite(data71))) {
                    const err144 = {
                      instancePath: instancePath + '/segments/' + i14 + '/ops/' + key11.replace(/~/g, '~0').replace(/\//g, '~1'),
                      schemaPath: '#/properties/segments/items/properties/ops/additionalProperties/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err144];
                    } else {
                      vErrors.push(err144);
                    }
                    errors++;
                  }
                  if (typeof data71 == 'number' && isFinite(data71)) {
                    if (data71 < 1 || isNaN(data71)) {
                      const err145 = {
                        instancePath: instancePath + '/segments/' + i14 + '/ops/' + key11.replace(/~/g, '~0').replace(/\//g, '~1'),
                        schemaPath: '#/properties/segments/items/properties/ops/additionalProperties/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 1 },
                        message: 'must be >= 1',
                      };
                      if (vErrors === null) {
                        vErrors = [err145];
                      } else {
                        vErrors.push(err145);
                      }
                      errors++;
                    }
                  }
                }
              } else {
                const err146 = {
                  instancePath: instancePath + '/segments/' + i14 + '/ops',
                  schemaPath: '#/properties/segments/items/properties/ops/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err146];
                } else {
                  vErrors.push(err146);
                }
                errors++;
              }
            }
            if (data65.inputs !== undefined) {
              let data72 = data65.inputs;
              if (Array.isArray(data72)) {
                const len16 = data72.length;
                for (let i16 = 0; i16 < len16; i16++) {
                  if (
                    !validate11(data72[i16], {
                      instancePath: instancePath + '/segments/' + i14 + '/inputs/' + i16,
                      parentData: data72,
                      parentDataProperty: i16,
                      rootData,
                    })
                  ) {
                    vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                    errors = vErrors.length;
                  }
                }
              } else {
                const err147 = {
                  instancePath: instancePath + '/segments/' + i14 + '/inputs',
                  schemaPath: '#/properties/segments/items/properties/inputs/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err147];
                } else {
                  vErrors.push(err147);
                }
                errors++;
              }
            }
            if (data65.outputs !== undefined) {
              let data74 = data65.outputs;
              if (Array.isArray(data74)) {
                const len17 = data74.length;
                for (let i17 = 0; i17 < len17; i17++) {
                  if (
                    !validate11(data74[i17], {
                      instancePath: instancePath + '/segments/' + i14 + '/outputs/' + i17,
                      parentData: data74,
                      parentDataProperty: i17,
                      rootData,
                    })
                  ) {
                    vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                    errors = vErrors.length;
                  }
                }
              } else {
                const err148 = {
                  instancePath: instancePath + '/segments/' + i14 + '/outputs',
                  schemaPath: '#/properties/segments/items/properties/outputs/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err148];
                } else {
                  vErrors.push(err148);
                }
                errors++;
              }
            }
          } else {
            const err149 = {
              instancePath: instancePath + '/segments/' + i14,
              schemaPath: '#/properties/segments/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err149];
            } else {
              vErrors.push(err149);
            }
            errors++;
          }
        }
      } else {
        const err150 = {
          instancePath: instancePath + '/segments',
          schemaPath: '#/properties/segments/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err150];
        } else {
          vErrors.push(err150);
        }
        errors++;
      }
    }
    if (data.transfers !== undefined) {
      let data76 = data.transfers;
      if (Array.isArray(data76)) {
        const len18 = data76.length;
        for (let i18 = 0; i18 < len18; i18++) {
          let data77 = data76[i18];
          if (data77 && typeof data77 == 'object' && !Array.isArray(data77)) {
            if (data77.name === undefined) {
              const err151 = {
                instancePath: instancePath + '/transfers/' + i18,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'name' },
                message: "must have required property '" + 'name' + "'",
              };
              if (vErrors === null) {
                vErrors = [err151];
              } else {
                vErrors.push(err151);
              }
              errors++;
            }
            if (data77.from === undefined) {
              const err152 = {
                instancePath: instancePath + '/transfers/' + i18,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'from' },
                message: "must have required property '" + 'from' + "'",
              };
              if (vErrors === null) {
                vErrors = [err152];
              } else {
                vErrors.push(err152);
              }
              errors++;
            }
            if (data77.to === undefined) {
              const err153 = {
                instancePath: instancePath + '/transfers/' + i18,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'to' },
                message: "must have required property '" + 'to' + "'",
              };
              if (vErrors === null) {
                vErrors = [err153];
              } else {
                vErrors.push(err153);
              }
              errors++;
            }
            if (data77.copy === undefined) {
              const err154 = {
                instancePath: instancePath + '/transfers/' + i18,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'copy' },
                message: "must have required property '" + 'copy' + "'",
              };
              if (vErrors === null) {
                vErrors = [err154];
              } else {
                vErrors.push(err154);
              }
              errors++;
            }
            for (const key12 in data77) {
              if (!(
                key12 === 'name' ||
                key12 === 'dtype' ||
                key12 === 'shape' ||
                key12 === 'bytes' ||
                key12 === 'from' ||
                key12 === 'to' ||
                key12 === 'copy'
              )) {
                const err155 = {
                  instancePath: instancePath + '/transfers/' + i18,
                  schemaPath: '#/properties/transfers/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key12 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err155];
                } else {
                  vErrors.push(err155);
                }
                errors++;
              }
            }
            if (data77.name !== undefined) {
              if (typeof data77.name !== 'string') {
                const err156 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/name',
                  schemaPath: '#/properties/transfers/items/properties/name/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err156];
                } else {
                  vErrors.push(err156);
                }
                errors++;
              }
            }
            if (data77.dtype !== undefined) {
              if (typeof data77.dtype !== 'string') {
                const err157 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/dtype',
                  schemaPath: '#/properties/transfers/items/properties/dtype/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err157];
                } else {
                  vErrors.push(err157);
                }
                errors++;
              }
            }
            if (data77.shape !== undefined) {
              let data80 = data77.shape;
              if (Array.isArray(data80)) {
                const len19 = data80.length;
                for (let i19 = 0; i19 < len19; i19++) {
                  let data81 = data80[i19];
                  if (!(typeof data81 == 'number' && !(data81 % 1) && !isNaN(data81) && isFinite(data81)) && typeof data81 !== 'string') {
                    const err158 = {
                      instancePath: instancePath + '/transfers/' + i18 + '/shape/' + i19,
                      schemaPath: '#/definitions/shape/items/type',
                      keyword: 'type',
                      params: { type: schema13.items.type },
                      message: 'must be integer,string',
                    };
                    if (vErrors === null) {
                      vErrors = [err158];
                    } else {
                      vErrors.push(err158);
                    }
                    errors++;
                  }
                }
              } else {
                const err159 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/shape',
                  schemaPath: '#/definitions/shape/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err159];
                } else {
                  vErrors.push(err159);
                }
                errors++;
              }
            }
            if (data77.bytes !== undefined) {
              let data82 = data77.bytes;
              if (!(typeof data82 == 'number' && !(data82 % 1) && !isNaN(data82) && isFinite(data82))) {
                const err160 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/bytes',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err160];
                } else {
                  vErrors.push(err160);
                }
                errors++;
              }
              if (typeof data82 == 'number' && isFinite(data82)) {
                if (data82 < 0 || isNaN(data82)) {
                  const err161 = {
                    instancePath: instancePath + '/transfers/' + i18 + '/bytes',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err161];
                  } else {
                    vErrors.push(err161);
                  }
                  errors++;
                }
              }
            }
            if (data77.from !== undefined) {
              let data83 = data77.from;
              if (!(typeof data83 == 'number' && !(data83 % 1) && !isNaN(data83) && isFinite(data83))) {
                const err162 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/from',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err162];
                } else {
                  vErrors.push(err162);
                }
                errors++;
              }
              if (typeof data83 == 'number' && isFinite(data83)) {
                if (data83 < 0 || isNaN(data83)) {
                  const err163 = {
                    instancePath: instancePath + '/transfers/' + i18 + '/from',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err163];
                  } else {
                    vErrors.push(err163);
                  }
                  errors++;
                }
              }
            }
            if (data77.to !== undefined) {
              let data84 = data77.to;
              if (!(typeof data84 == 'number' && !(data84 % 1) && !isNaN(data84) && isFinite(data84))) {
                const err164 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/to',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err164];
                } else {
                  vErrors.push(err164);
                }
                errors++;
              }
              if (typeof data84 == 'number' && isFinite(data84)) {
                if (data84 < 0 || isNaN(data84)) {
                  const err165 = {
                    instancePath: instancePath + '/transfers/' + i18 + '/to',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err165];
                  } else {
                    vErrors.push(err165);
                  }
                  errors++;
                }
              }
            }
            if (data77.copy !== undefined) {
              let data85 = data77.copy;
              if (!(data85 === 'none' || data85 === 'device-to-host' || data85 === 'host-to-device')) {
                const err166 = {
                  instancePath: instancePath + '/transfers/' + i18 + '/copy',
                  schemaPath: '#/properties/transfers/items/properties/copy/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.transfers.items.properties.copy.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err166];
                } else {
                  vErrors.push(err166);
                }
                errors++;
              }
            }
          } else {
            const err167 = {
              instancePath: instancePath + '/transfers/' + i18,
              schemaPath: '#/properties/transfers/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err167];
            } else {
              vErrors.push(err167);
            }
            errors++;
          }
        }
      } else {
        const err168 = {
          instancePath: instancePath + '/transfers',
          schemaPath: '#/properties/transfers/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err168];
        } else {
          vErrors.push(err168);
        }
        errors++;
      }
    }
    if (data.values !== undefined) {
      let data86 = data.values;
      if (data86 && typeof data86 == 'object' && !Array.isArray(data86)) {
        for (const key13 in data86) {
          let data87 = data86[key13];
          if (data87 && typeof data87 == 'object' && !Array.isArray(data87)) {
            for (const key14 in data87) {
              if (!(key14 === 'dtype' || key14 === 'shape' || key14 === 'initializer')) {
                const err169 = {
                  instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1'),
                  schemaPath: '#/properties/values/additionalProperties/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key14 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err169];
                } else {
                  vErrors.push(err169);
                }
                errors++;
              }
            }
            if (data87.dtype !== undefined) {
              if (typeof data87.dtype !== 'string') {
                const err170 = {
                  instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1') + '/dtype',
                  schemaPath: '#/properties/values/additionalProperties/properties/dtype/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err170];
                } else {
                  vErrors.push(err170);
                }
                errors++;
              }
            }
            if (data87.shape !== undefined) {
              let data89 = data87.shape;
              if (Array.isArray(data89)) {
                const len20 = data89.length;
                for (let i20 = 0; i20 < len20; i20++) {
                  let data90 = data89[i20];
                  if (!(typeof data90 == 'number' && !(data90 % 1) && !isNaN(data90) && isFinite(data90)) && typeof data90 !== 'string') {
                    const err171 = {
                      instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1') + '/shape/' + i20,
                      schemaPath: '#/definitions/shape/items/type',
                      keyword: 'type',
                      params: { type: schema13.items.type },
                      message: 'must be integer,string',
                    };
                    if (vErrors === null) {
                      vErrors = [err171];
                    } else {
                      vErrors.push(err171);
                    }
                    errors++;
                  }
                }
              } else {
                const err172 = {
                  instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1') + '/shape',
                  schemaPath: '#/definitions/shape/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err172];
                } else {
                  vErrors.push(err172);
                }
                errors++;
              }
            }
            if (data87.initializer !== undefined) {
              if (true !== data87.initializer) {
                const err173 = {
                  instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1') + '/initializer',
                  schemaPath: '#/properties/values/additionalProperties/properties/initializer/const',
                  keyword: 'const',
                  params: { allowedValue: true },
                  message: 'must be equal to constant',
                };
                if (vErrors === null) {
                  vErrors = [err173];
                } else {
                  vErrors.push(err173);
                }
                errors++;
              }
            }
          } else {
            const err174 = {
              instancePath: instancePath + '/values/' + key13.replace(/~/g, '~0').replace(/\//g, '~1'),
              schemaPath: '#/properties/values/additionalProperties/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err174];
            } else {
              vErrors.push(err174);
            }
            errors++;
          }
        }
      } else {
        const err175 = {
          instancePath: instancePath + '/values',
          schemaPath: '#/properties/values/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err175];
        } else {
          vErrors.push(err175);
        }
        errors++;
      }
    }
    if (data.recommendations !== undefined) {
      let data92 = data.recommendations;
      if (Array.isArray(data92)) {
        const len21 = data92.length;
        for (let i21 = 0; i21 < len21; i21++) {
          let data93 = data92[i21];
          if (data93 && typeof data93 == 'object' && !Array.isArray(data93)) {
            if (data93.kind === undefined) {
              const err176 = {
                instancePath: instancePath + '/recommendations/' + i21,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'kind' },
                message: "must have required property '" + 'kind' + "'",
              };
              if (vErrors === null) {
                vErrors = [err176];
              } else {
                vErrors.push(err176);
              }
              errors++;
            }
            if (data93.message === undefined) {
              const err177 = {
                instancePath: instancePath + '/recommendations/' + i21,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'message' },
                message: "must have required property '" + 'message' + "'",
              };
              if (vErrors === null) {
                vErrors = [err177];
              } else {
                vErrors.push(err177);
              }
              errors++;
            }
            if (data93.merges === undefined) {
              const err178 = {
                instancePath: instancePath + '/recommendations/' + i21,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'merges' },
                message: "must have required property '" + 'merges' + "'",
              };
              if (vErrors === null) {
                vErrors = [err178];
              } else {
                vErrors.push(err178);
              }
              errors++;
            }
            for (const key15 in data93) {
              if (!func2.call(schema11.properties.recommendations.items.properties, key15)) {
                const err179 = {
                  instancePath: instancePath + '/recommendations/' + i21,
                  schemaPath: '#/properties/recommendations/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key15 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err179];
                } else {
                  vErrors.push(err179);
                }
                errors++;
              }
            }
            if (data93.kind !== undefined) {
              let data94 = data93.kind;
              if (!(data94 === 'converter' || data94 === 'forcedFallback' || data94 === 'minBlockSize' || data94 === 'inputShapes')) {
                const err180 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/kind',
                  schemaPath: '#/properties/recommendations/items/properties/kind/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.recommendations.items.properties.kind.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err180];
                } else {
                  vErrors.push(err180);
                }
                errors++;
              }
            }
            if (data93.message !== undefined) {
              if (typeof data93.message !== 'string') {
                const err181 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/message',
                  schemaPath: '#/properties/recommendations/items/properties/message/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err181];
                } else {
                  vErrors.push(err181);
                }
                errors++;
              }
            }
            if (data93.opType !== undefined) {
              if (typeof data93.opType !== 'string') {
                const err182 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/opType',
                  schemaPath: '#/properties/recommendations/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err182];
                } else {
                  vErrors.push(err182);
                }
                errors++;
              }
            }
            if (data93.domain !== undefined) {
              if (typeof data93.domain !== 'string') {
                const err183 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/domain',
                  schemaPath: '#/properties/recommendations/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err183];
                } else {
                  vErrors.push(err183);
                }
                errors++;
              }
            }
            if (data93.nodes !== undefined) {
              let data98 = data93.nodes;
              if (Array.isArray(data98)) {
                const len22 = data98.length;
                for (let i22 = 0; i22 < len22; i22++) {
                  if (typeof data98[i22] !== 'string') {
                    const err184 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/nodes/' + i22,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err184];
                    } else {
                      vErrors.push(err184);
                    }
                    errors++;
                  }
                }
              } else {
                const err185 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/nodes',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err185];
                } else {
                  vErrors.push(err185);
                }
                errors++;
              }
            }
            if (data93.minBlockSize !== undefined) {
              let data100 = data93.minBlockSize;
              if (!(typeof data100 == 'number' && !(data100 % 1) && !isNaN(data100) && isFinite(data100))) {
                const err186 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/minBlockSize',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err186];
                } else {
                  vErrors.push(err186);
                }
                errors++;
              }
              if (typeof data100 == 'number' && isFinite(data100)) {
                if (data100 < 0 || isNaN(data100)) {
                  const err187 = {
                    instancePath: instancePath + '/recommendations/' + i21 + '/minBlockSize',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err187];
                  } else {
                    vErrors.push(err187);
                  }
                  errors++;
                }
              }
            }
            if (data93.option !== undefined) {
              let data101 = data93.option;
              if (!(data101 === 'fallbackOps' || data101 === 'fallbackNodes')) {
                const err188 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/option',
                  schemaPath: '#/properties/recommendations/items/properties/option/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.recommendations.items.properties.option.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err188];
                } else {
                  vErrors.push(err188);
                }
                errors++;
              }
            }
            if (data93.entry !== undefined) {
              if (typeof data93.entry !== 'string') {
                const err189 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/entry',
                  schemaPath: '#/properties/recommendations/items/properties/entry/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err189];
                } else {
                  vErrors.push(err189);
                }
                errors++;
              }
            }
            if (data93.merges !== undefined) {
              let data103 = data93.merges;
              if (Array.isArray(data103)) {
                const len23 = data103.length;
                for (let i23 = 0; i23 < len23; i23++) {
                  let data104 = data103[i23];
                  if (Array.isArray(data104)) {
                    if (data104.length < 2) {
                      const err190 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/merges/' + i23,
                        schemaPath: '#/properties/recommendations/items/properties/merges/items/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err190];
                      } else {
                        vErrors.push(err190);
                      }
                      errors++;
                    }
                    const len24 = data104.length;
                    for (let i24 = 0; i24 < len24; i24++) {
                      let data105 = data104[i24];
                      if (!(typeof data105 == 'number' && !(data105 % 1) && !isNaN(data105) && isFinite(data105))) {
                        const err191 = {
                          instancePath: instancePath + '/recommendations/' + i21 + '/merges/' + i23 + '/' + i24,
                          schemaPath: '#/definitions/count/type',
                          keyword: 'type',
                          params: { type: 'integer' },
                          message: 'must be integer',
                        };
                        if (vErrors === null) {
                          vErrors = [err191];
                        } else {
                          vErrors.push(err191);
                        }
                        errors++;
                      }
                      if (typeof data105 == 'number' && isFinite(data105)) {
                        if (data105 < 0 || isNaN(data105)) {
                          const err192 = {
                            instancePath: instancePath + '/recommendations/' + i21 + '/merges/' + i23 + '/' + i24,
                            schemaPath: '#/definitions/count/minimum',
                            keyword: 'minimum',
                            params: { comparison: '>=', limit: 0 },
                            message: 'must be >= 0',
                          };
                          if (vErrors === null) {
                            vErrors = [err192];
                          } else {
                            vErrors.push(err192);
                          }
                          errors++;
                        }
                      }
                    }
                  } else {
                    const err193 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/merges/' + i23,
                      schemaPath: '#/properties/recommendations/items/properties/merges/items/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err193];
                    } else {
                      vErrors.push(err193);
                    }
                    errors++;
                  }
                }
              } else {
                const err194 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/merges',
                  schemaPath: '#/properties/recommendations/items/properties/merges/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err194];
                } else {
                  vErrors.push(err194);
                }
                errors++;
              }
            }
            if (data93.effect !== undefined) {
              let data106 = data93.effect;
              if (data106 && typeof data106 == 'object' && !Array.isArray(data106)) {
                if (data106.segments === undefined) {
                  const err195 = {
                    instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'segments' },
                    message: "must have required property '" + 'segments' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err195];
                  } else {
                    vErrors.push(err195);
                  }
                  errors++;
                }
                if (data106.engineNodes === undefined) {
                  const err196 = {
                    instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'engineNodes' },
                    message: "must have required property '" + 'engineNodes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err196];
                  } else {
                    vErrors.push(err196);
                  }
                  errors++;
                }
                if (data106.boundaryTransfers === undefined) {
                  const err197 = {
                    instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'boundaryTransfers' },
                    message: "must have required property '" + 'boundaryTransfers' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err197];
                  } else {
                    vErrors.push(err197);
                  }
                  errors++;
                }
                if (data106.boundaryBytes === undefined) {
                  const err198 = {
                    instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'boundaryBytes' },
                    message: "must have required property '" + 'boundaryBytes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err198];
                  } else {
                    vErrors.push(err198);
                  }
                  errors++;
                }
                for (const key16 in data106) {
                  if (!(key16 === 'segments' || key16 === 'engineNodes' || key16 === 'boundaryTransfers' || key16 === 'boundaryBytes')) {
                    const err199 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                      schemaPath: '#/properties/recommendations/items/properties/effect/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key16 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err199];
                    } else {
                      vErrors.push(err199);
                    }
                    errors++;
                  }
                }
                if (data106.segments !== undefined) {
                  let data107 = data106.segments;
                  if (Array.isArray(data107)) {
                    if (data107.length > 2) {
                      const err200 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/segments',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err200];
                      } else {
                        vErrors.push(err200);
                      }
                      errors++;
                    }
                    if (data107.length < 2) {
                      const err201 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/segments',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err201];
                      } else {
                        vErrors.push(err201);
                      }
                      errors++;
                    }
                    const len25 = data107.length;
                    for (let i25 = 0; i25 < len25; i25++) {
                      let data108 = data107[i25];
                      if (!(typeof data108 == 'number' && isFinite(data108))) {
                        const err202 = {
                          instancePath: instancePath + '/recommendations/' + i21 + '/effect/segments/' + i25,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err202];
                        } else {
                          vErrors.push(err202);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err203 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/effect/segments',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err203];
                    } else {
                      vErrors.push(err203);
                    }
                    errors++;
                  }
                }
                if (data106.engineNodes !== undefined) {
                  let data109 = data106.engineNodes;
                  if (Array.isArray(data109)) {
                    if (data109.length > 2) {
                      const err204 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/engineNodes',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err204];
                      } else {
                        vErrors.push(err204);
                      }
                      errors++;
                    }
                    if (data109.length < 2) {
                      const err205 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/engineNodes',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err205];
                      } else {
                        vErrors.push(err205);
                      }
                      errors++;
                    }
                    const len26 = data109.length;
                    for (let i26 = 0; i26 < len26; i26++) {
                      let data110 = data109[i26];
                      if (!(typeof data110 == 'number' && isFinite(data110))) {
                        const err206 = {
                          instancePath: instancePath + '/recommendations/' + i21 + '/effect/engineNodes/' + i26,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err206];
                        } else {
                          vErrors.push(err206);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err207 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/effect/engineNodes',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err207];
                    } else {
                      vErrors.push(err207);
                    }
                    errors++;
                  }
                }
                if (data106.boundaryTransfers !== undefined) {
                  let data111 = data106.boundaryTransfers;
                  if (Array.isArray(data111)) {
                    if (data111.length > 2) {
                      const err208 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryTransfers',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err208];
                      } else {
                        vErrors.push(err208);
                      }
                      errors++;
                    }
                    if (data111.length < 2) {
                      const err209 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryTransfers',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err209];
                      } else {
                        vErrors.push(err209);
                      }
                      errors++;
                    }
                    const len27 = data111.length;
                    for (let i27 = 0; i27 < len27; i27++) {
                      let data112 = data111[i27];
                      if (!(typeof data112 == 'number' && isFinite(data112))) {
                        const err210 = {
                          instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryTransfers/' + i27,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err210];
                        } else {
                          vErrors.push(err210);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err211 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryTransfers',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err211];
                    } else {
                      vErrors.push(err211);
                    }
                    errors++;
                  }
                }
                if (data106.boundaryBytes !== undefined) {
                  let data113 = data106.boundaryBytes;
                  if (Array.isArray(data113)) {
                    if (data113.length > 2) {
                      const err212 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryBytes',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err212];
                      } else {
                        vErrors.push(err212);
                      }
                      errors++;
                    }
                    if (data113.length < 2) {
                      const err213 = {
                        instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryBytes',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err213];
                      } else {
                        vErrors.push(err213);
                      }
                      errors++;
                    }
                    const len28 = data113.length;
                    for (let i28 = 0; i28 < len28; i28++) {
                      let data114 = data113[i28];
                      if (!(typeof data114 == 'number' && isFinite(data114))) {
                        const err214 = {
                          instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryBytes/' + i28,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err214];
                        } else {
                          vErrors.push(err214);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err215 = {
                      instancePath: instancePath + '/recommendations/' + i21 + '/effect/boundaryBytes',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err215];
                    } else {
                      vErrors.push(err215);
                    }
                    errors++;
                  }
                }
              } else {
                const err216 = {
                  instancePath: instancePath + '/recommendations/' + i21 + '/effect',
                  schemaPath: '#/properties/recommendations/items/properties/effect/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err216];
                } else {
                  vErrors.push(err216);
                }
                errors++;
              }
            }
          } else {
            const err217 = {
              instancePath: instancePath + '/recommendations/' + i21,
              schemaPath: '#/properties/recommendations/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err217];
            } else {
              vErrors.push(err217);
            }
            errors++;
          }
        }
      } else {
        const err218 = {
          instancePath: instancePath + '/recommendations',
          schemaPath: '#/properties/recommendations/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err218];
        } else {
          vErrors.push(err218);
        }
        errors++;
      }
    }
    if (data.lowering !== undefined) {
      let data115 = data.lowering;
      if (data115 && typeof data115 == 'object' && !Array.isArray(data115)) {
        if (data115.nodesBefore === undefined) {
          const err219 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'nodesBefore' },
            message: "must have required property '" + 'nodesBefore' + "'",
          };
          if (vErrors === null) {
            vErrors = [err219];
          } else {
            vErrors.push(err219);
          }
          errors++;
        }
        if (data115.nodesAfter === undefined) {
          const err220 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'nodesAfter' },
            message: "must have required property '" + 'nodesAfter' + "'",
          };
          if (vErrors === null) {
            vErrors = [err220];
          } else {
            vErrors.push(err220);
          }
          errors++;
        }
        if (data115.passes === undefined) {
          const err221 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'passes' },
            message: "must have required property '" + 'passes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err221];
          } else {
            vErrors.push(err221);
          }
          errors++;
        }
        for (const key17 in data115) {
          if (!(key17 === 'nodesBefore' || key17 === 'nodesAfter' || key17 === 'passes')) {
            const err222 = {
              instancePath: instancePath + '/lowering',
              schemaPath: '#/properties/lowering/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key17 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err222];
            } else {
              vErrors.push(err222);
            }
            errors++;
          }
        }
        if (data115.nodesBefore !== undefined) {
          let data116 = data115.nodesBefore;
          if (!(typeof data116 == 'number' && !(data116 % 1) && !isNaN(data116) && isFinite(data116))) {
            const err223 = {
              instancePath: instancePath + '/lowering/nodesBefore',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err223];
            } else {
              vErrors.push(err223);
            }
            errors++;
          }
          if (typeof data116 == 'number' && isFinite(data116)) {
            if (data116 < 0 || isNaN(data116)) {
              const err224 = {
                instancePath: instancePath + '/lowering/nodesBefore',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err224];
              } else {
                vErrors.push(err224);
              }
              errors++;
            }
          }
        }
        if (data115.nodesAfter !== undefined) {
          let data117 = data115.nodesAfter;
          if (!(typeof data117 == 'number' && !(data117 % 1) && !isNaN(data117) && isFinite(data117))) {
            const err225 = {
              instancePath: instancePath + '/lowering/nodesAfter',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err225];
            } else {
              vErrors.push(err225);
            }
            errors++;
          }
          if (typeof data117 == 'number' && isFinite(data117)) {
            if (data117 < 0 || isNaN(data117)) {
              const err226 = {
                instancePath: instancePath + '/lowering/nodesAfter',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err226];
              } else {
                vErrors.push(err226);
              }
              errors++;
            }
          }
        }
        if (data115.passes !== undefined) {
          let data118 = data115.passes;
          if (Array.isArray(data118)) {
            const len29 = data118.length;
            for (let i29 = 0; i29 < len29; i29++) {
              let data119 = data118[i29];
              if (data119 && typeof data119 == 'object' && !Array.isArray(data119)) {
                if (data119.name === undefined) {
                  const err227 = {
                    instancePath: instancePath + '/lowering/passes/' + i29,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'name' },
                    message: "must have required property '" + 'name' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err227];
                  } else {
                    vErrors.push(err227);
                  }
                  errors++;
                }
                if (data119.changed === undefined) {
                  const err228 = {
                    instancePath: instancePath + '/lowering/passes/' + i29,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'changed' },
                    message: "must have required property '" + 'changed' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err228];
                  } else {
                    vErrors.push(err228);
                  }
                  errors++;
                }
                if (data119.counts === undefined) {
                  const err229 = {
                    instancePath: instancePath + '/lowering/passes/' + i29,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'counts' },
                    message: "must have required property '" + 'counts' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err229];
                  } else {
                    vErrors.push(err229);
                  }
                  errors++;
                }
                if (data119.notes === undefined) {
                  const err230 = {
                    instancePath: instancePath + '/lowering/passes/' + i29,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'notes' },
                    message: "must have required property '" + 'notes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err230];
                  } else {
                    vErrors.push(err230);
                  }
                  errors++;
                }
                for (const key18 in data119) {
                  if (!(key18 === 'name' || key18 === 'changed' || key18 === 'counts' || key18 === 'notes')) {
                    const err231 = {
                      instancePath: instancePath + '/lowering/passes/' + i29,
                      schemaPath: '#/properties/lowering/properties/passes/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key18 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err231];
                    } else {
                      vErrors.push(err231);
                    }
                    errors++;
                  }
                }
                if (data119.name !== undefined) {
                  if (typeof data119.name !== 'string') {
                    const err232 = {
                      instancePath: instancePath + '/lowering/passes/' + i29 + '/name',
                      schemaPath: '#/properties/lowering/properties/passes/items/properties/name/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err232];
                    } else {
                      vErrors.push(err232);
                    }
                    errors++;
                  }
                }
                if (data119.changed !== undefined) {
                  let data121 = data119.changed;
                  if (!(typeof data121 == 'number' && !(data121 % 1) && !isNaN(data121) && isFinite(data121))) {
                    const err233 = {
                      instancePath: instancePath + '/lowering/passes/' + i29 + '/changed',
                      schemaPath: '#/definitions/count/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err233];
                    } else {
                      vErrors.push(err233);
                    }
                    errors++;
                  }
                  if (typeof data121 == 'number' && isFinite(data121)) {
                    if (data121 < 0 || isNaN(data121)) {
                      const err234 = {
                        instancePath: instancePath + '/lowering/passes/' + i29 + '/changed',
                        schemaPath: '#/definitions/count/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 0 },
                        message: 'must be >= 0',
                      };
                      if (vErrors === null) {
                        vErrors = [err234];
                      } else {
                        vErrors.push(err234);
                      }
                      errors++;
                    }
                  }
                }
                if (data119.counts !== undefined) {
                  let data122 = data119.counts;
                  if (data122 && typeof data122 == 'object' && !Array.isArray(data122)) {
                    for (const key19 in data122) {
                      let data123 = data122[key19];
                      if (!(typeof data123 == 'number' && !(data123 % 1) && !isNaN(data123) && isFinite(data123))) {
                        const err235 = {
                          instancePath: instancePath + '/lowering/passes/' + i29 + '/counts/' + key19.replace(/~/g, '~0').replace(/\//g, '~1'),
                          schemaPath: '#/properties/lowering/properties/passes/items/properties/counts/additionalProperties/type',
                          keyword: 'type',
                          params: { type: 'integer' },
                          message: 'must be integer',
                        };
                        if (vErrors === null) {
                          vErrors = [err235];
                        } else {
                          vErrors.push(err235);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err236 = {
                      instancePath: instancePath + '/lowering/passes/' + i29 + '/counts',
                      schemaPath: '#/properties/lowering/properties/passes/items/properties/counts/type',
                      keyword: 'type',
                      params: { type: 'object' },
                      message: 'must be object',
                    };
                    if (vErrors === null) {
                      vErrors = [err236];
                    } else {
                      vErrors.push(err236);
                    }
                    errors++;
                  }
                }
                if (data119.notes !== undefined) {
                  let data124 = data119.notes;
                  if (Array.isArray(data124)) {
                    const len30 = data124.length;
                    for (let i30 = 0; i30 < len30; i30++) {
                      if (typeof data124[i30] !== 'string') {
                        const err237 = {
                          instancePath: instancePath + '/lowering/passes/' + i29 + '/notes/' + i30,
                          schemaPath: '#/definitions/strings/items/type',
                          keyword: 'type',
                          params: { type: 'string' },
                          message: 'must be string',
                        };
                        if (vErrors === null) {
                          vErrors = [err237];
                        } else {
                          vErrors.push(err237);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err238 = {
                      instancePath: instancePath + '/lowering/passes/' + i29 + '/notes',
                      schemaPath: '#/definitions/strings/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err238];
                    } else {
                      vErrors.push(err238);
                    }
                    errors++;
                  }
                }
              } else {
                const err239 = {
                  instancePath: instancePath + '/lowering/passes/' + i29,
                  schemaPath: '#/properties/lowering/properties/passes/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err239];
                } else {
                  vErrors.push(err239);
                }
                errors++;
              }
            }
          } else {
            const err240 = {
              instancePath: instancePath + '/lowering/passes',
              schemaPath: '#/properties/lowering/properties/passes/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err240];
            } else {
              vErrors.push(err240);
            }
            errors++;
          }
        }
      } else {
        const err241 = {
          instancePath: instancePath + '/lowering',
          schemaPath: '#/properties/lowering/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err241];
        } else {
          vErrors.push(err241);
        }
        errors++;
      }
    }
    if (data.warnings !== undefined) {
      let data126 = data.warnings;
      if (Array.isArray(data126)) {
        const len31 = data126.length;
        for (let i31 = 0; i31 < len31; i31++) {
          if (typeof data126[i31] !== 'string') {
            const err242 = {
              instancePath: instancePath + '/warnings/' + i31,
              schemaPath: '#/definitions/strings/items/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string',
            };
            if (vErrors === null) {
              vErrors = [err242];
            } else {
              vErrors.push(err242);
            }
            errors++;
          }
        }
      } else {
        const err243 = {
          instancePath: instancePath + '/warnings',
          schemaPath: '#/definitions/strings/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err243];
        } else {
          vErrors.push(err243);
        }
        errors++;
      }
    }
    if (data.int8 !== undefined) {
      let data128 = data.int8;
      if (data128 && typeof data128 == 'object' && !Array.isArray(data128)) {
        if (data128.requested === undefined) {
          const err244 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'requested' },
            message: "must have required property '" + 'requested' + "'",
          };
          if (vErrors === null) {
            vErrors = [err244];
          } else {
            vErrors.push(err244);
          }
          errors++;
        }
        if (data128.quantizable === undefined) {
          const err245 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'quantizable' },
            message: "must have required property '" + 'quantizable' + "'",
          };
          if (vErrors === null) {
            vErrors = [err245];
          } else {
            vErrors.push(err245);
          }
          errors++;
        }
        if (data128.int8 === undefined) {
          const err246 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'int8' },
            message: "must have required property '" + 'int8' + "'",
          };
          if (vErrors === null) {
            vErrors = [err246];
          } else {
            vErrors.push(err246);
          }
          errors++;
        }
        if (data128.kept === undefined) {
          const err247 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'kept' },
            message: "must have required property '" + 'kept' + "'",
          };
          if (vErrors === null) {
            vErrors = [err247];
          } else {
            vErrors.push(err247);
          }
          errors++;
        }
        for (const key20 in data128) {
          if (!(
            key20 === 'requested' ||
            key20 === 'quantizable' ||
            key20 === 'int8' ||
            key20 === 'kept' ||
            key20 === 'sensitivity' ||
            key20 === 'policy'
          )) {
            const err248 = {
              instancePath: instancePath + '/int8',
              schemaPath: '#/properties/int8/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key20 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err248];
            } else {
              vErrors.push(err248);
            }
            errors++;
          }
        }
        if (data128.requested !== undefined) {
          if (typeof data128.requested !== 'boolean') {
            const err249 = {
              instancePath: instancePath + '/int8/requested',
              schemaPath: '#/properties/int8/properties/requested/type',
              keyword: 'type',
              params: { type: 'boolean' },
              message: 'must be boolean',
            };
            if (vErrors === null) {
              vErrors = [err249];
            } else {
              vErrors.push(err249);
            }
            errors++;
          }
        }
        if (data128.quantizable !== undefined) {
          let data130 = data128.quantizable;
          if (!(typeof data130 == 'number' && !(data130 % 1) && !isNaN(data130) && isFinite(data130))) {
            const err250 = {
              instancePath: instancePath + '/int8/quantizable',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err250];
            } else {
              vErrors.push(err250);
            }
            errors++;
          }
          if (typeof data130 == 'number' && isFinite(data130)) {
            if (data130 < 0 || isNaN(data130)) {
              const err251 = {
                instancePath: instancePath + '/int8/quantizable',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err251];
              } else {
                vErrors.push(err251);
              }
              errors++;
            }
          }
        }
        if (data128.int8 !== undefined) {
          let data131 = data128.int8;
          if (!(typeof data131 == 'number' && !(data131 % 1) && !isNaN(data131) && isFinite(data131))) {
            const err252 = {
              instancePath: instancePath + '/int8/int8',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err252];
            } else {
              vErrors.push(err252);
            }
            errors++;
          }
          if (typeof data131 == 'number' && isFinite(data131)) {
            if (data131 < 0 || isNaN(data131)) {
              const err253 = {
                instancePath: instancePath + '/int8/int8',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err253];
              } else {
                vErrors.push(err253);
              }
              errors++;
            }
          }
        }
        if (data128.kept !== undefined) {
          let data132 = data128.kept;
          if (Array.isArray(data132)) {
            const len32 = data132.length;
            for (let i32 = 0; i32 < len32; i32++) {
              let data133 = data132[i32];
              if (data133 && typeof data133 == 'object' && !Array.isArray(data133)) {
                if (data133.node === undefined) {
                  const err254 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'node' },
                    message: "must have required property '" + 'node' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err254];
                  } else {
                    vErrors.push(err254);
                  }
                  errors++;
                }
                if (data133.opType === undefined) {
                  const err255 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'opType' },
                    message: "must have required property '" + 'opType' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err255];
                  } else {
                    vErrors.push(err255);
                  }
                  errors++;
                }
                if (data133.segment === undefined) {
                  const err256 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'segment' },
                    message: "must have required property '" + 'segment' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err256];
                  } else {
                    vErrors.push(err256);
                  }
                  errors++;
                }
                if (data133.precision === undefined) {
                  const err257 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'precision' },
                    message: "must have required property '" + 'precision' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err257];
                  } else {
                    vErrors.push(err257);
                  }
                  errors++;
                }
                if (data133.kind === undefined) {
                  const err258 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'kind' },
                    message: "must have required property '" + 'kind' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err258];
                  } else {
                    vErrors.push(err258);
                  }
                  errors++;
                }
                if (data133.reason === undefined) {
                  const err259 = {
                    instancePath: instancePath + '/int8/kept/' + i32,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'reason' },
                    message: "must have required property '" + 'reason' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err259];
                  } else {
                    vErrors.push(err259);
                  }
                  errors++;
                }
                for (const key21 in data133) {
                  if (!(
                    key21 === 'node' ||
                    key21 === 'opType' ||
                    key21 === 'segment' ||
                    key21 === 'layer' ||
                    key21 === 'precision' ||
                    key21 === 'kind' ||
                    key21 === 'reason'
                  )) {
                    const err260 = {
                      instancePath: instancePath + '/int8/kept/' + i32,
                      schemaPath: '#/properties/int8/properties/kept/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key21 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err260];
                    } else {
                      vErrors.push(err260);
                    }
                    errors++;
                  }
                }
                if (data133.node !== undefined) {
                  if (typeof data133.node !== 'string') {
                    const err261 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/node',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/node/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err261];
                    } else {
                      vErrors.push(err261);
                    }
                    errors++;
                  }
                }
                if (data133.opType !== undefined) {
                  if (typeof data133.opType !== 'string') {
                    const err262 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/opType',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/opType/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err262];
                    } else {
                      vErrors.push(err262);
                    }
                    errors++;
                  }
                }
                if (data133.segment !== undefined) {
                  let data136 = data133.segment;
                  if (!(typeof data136 == 'number' && !(data136 % 1) && !isNaN(data136) && isFinite(data136))) {
                    const err263 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/segment',
                      schemaPath: '#/definitions/count/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err263];
                    } else {
                      vErrors.push(err263);
                    }
                    errors++;
                  }
                  if (typeof data136 == 'number' && isFinite(data136)) {
                    if (data136 < 0 || isNaN(data136)) {
                      const err264 = {
                        instancePath: instancePath + '/int8/kept/' + i32 + '/segment',
                        schemaPath: '#/definitions/count/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 0 },
                        message: 'must be >= 0',
                      };
                      if (vErrors === null) {
                        vErrors = [err264];
                      } else {
                        vErrors.push(err264);
                      }
                      errors++;
                    }
                  }
                }
                if (data133.layer !== undefined) {
                  if (typeof data133.layer !== 'string') {
                    const err265 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/layer',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/layer/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err265];
                    } else {
                      vErrors.push(err265);
                    }
                    errors++;
                  }
                }
                if (data133.precision !== undefined) {
                  if (typeof data133.precision !== 'string') {
                    const err266 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/precision',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/precision/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err266];
                    } else {
                      vErrors.push(err266);
                    }
                    errors++;
                  }
                }
                if (data133.kind !== undefined) {
                  let data139 = data133.kind;
                  if (!(
                    data139 === 'backend' ||
                    data139 === 'fallback' ||
                    data139 === 'not-quantized' ||
                    data139 === 'qdq-pass' ||
                    data139 === 'policy' ||
                    data139 === 'sensitivity'
                  )) {
                    const err267 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/kind',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/kind/enum',
                      keyword: 'enum',
                      params: { allowedValues: schema11.properties.int8.properties.kept.items.properties.kind.enum },
                      message: 'must be equal to one of the allowed values',
                    };
                    if (vErrors === null) {
                      vErrors = [err267];
                    } else {
                      vErrors.push(err267);
                    }
                    errors++;
                  }
                }
                if (data133.reason !== undefined) {
                  if (typeof data133.reason !== 'string') {
                    const err268 = {
                      instancePath: instancePath + '/int8/kept/' + i32 + '/reason',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/reason/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err268];
                    } else {
                      vErrors.push(err268);
                    }
                    errors++;
                  }
                }
              } else {
                const err269 = {
                  instancePath: instancePath + '/int8/kept/' + i32,
                  schemaPath: '#/properties/int8/properties/kept/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err269];
                } else {
                  vErrors.push(err269);
                }
                errors++;
              }
            }
          } else {
            const err270 = {
              instancePath: instancePath + '/int8/kept',
              schemaPath: '#/properties/int8/properties/kept/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err270];
            } else {
              vErrors.push(err270);
            }
            errors++;
          }
        }
        if (data128.sensitivity !== undefined) {
          let data141 = data128.sensitivity;
          if (Array.isArray(data141)) {
            const len33 = data141.length;
            for (let i33 = 0; i33 < len33; i33++) {
              let data142 = data141[i33];
              if (data142 && typeof data142 == 'object' && !Array.isArray(data142)) {
                if (data142.node === undefined) {
                  const err271 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i33,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'node' },
                    message: "must have required property '" + 'node' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err271];
                  } else {
                    vErrors.push(err271);
                  }
                  errors++;
                }
                if (data142.opType === undefined) {
                  const err272 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i33,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'opType' },
                    message: "must have required property '" + 'opType' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err272];
                  } else {
                    vErrors.push(err272);
                  }
                  errors++;
                }
                if (data142.cosine === undefined) {
                  const err273 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i33,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err273];
                  } else {
                    vErrors.push(err273);
                  }
                  errors++;
                }
                if (data142.maxAbsError === undefined) {
                  const err274 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i33,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err274];
                  } else {
                    vErrors.push(err274);
                  }
                  errors++;
                }
                if (data142.top1 === undefined) {
                  const err275 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i33,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err275];
                  } else {
                    vErrors.push(err275);
                  }
                  errors++;
                }
                for (const key22 in data142) {
                  if (!(key22 === 'node' || key22 === 'opType' || key22 === 'cosine' || key22 === 'maxAbsError' || key22 === 'top1')) {
                    const err276 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33,
                      schemaPath: '#/properties/int8/properties/sensitivity/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key22 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err276];
                    } else {
                      vErrors.push(err276);
                    }
                    errors++;
                  }
                }
                if (data142.node !== undefined) {
                  if (typeof data142.node !== 'string') {
                    const err277 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33 + '/node',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/node/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err277];
                    } else {
                      vErrors.push(err277);
                    }
                    errors++;
                  }
                }
                if (data142.opType !== undefined) {
                  if (typeof data142.opType !== 'string') {
                    const err278 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33 + '/opType',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/opType/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err278];
                    } else {
                      vErrors.push(err278);
                    }
                    errors++;
                  }
                }
                if (data142.cosine !== undefined) {
                  let data145 = data142.cosine;
                  if (!(typeof data145 == 'number' && isFinite(data145)) && data145 !== null) {
                    const err279 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33 + '/cosine',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err279];
                    } else {
                      vErrors.push(err279);
                    }
                    errors++;
                  }
                }
                if (data142.maxAbsError !== undefined) {
                  let data146 = data142.maxAbsError;
                  if (!(typeof data146 == 'number' && isFinite(data146)) && data146 !== null) {
                    const err280 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33 + '/maxAbsError',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.maxAbsError.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err280];
                    } else {
                      vErrors.push(err280);
                    }
                    errors++;
                  }
                }
                if (data142.top1 !== undefined) {
                  let data147 = data142.top1;
                  if (!(typeof data147 == 'number' && isFinite(data147)) && data147 !== null) {
                    const err281 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i33 + '/top1',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.top1.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err281];
                    } else {
                      vErrors.push(err281);
                    }
                    errors++;
                  }
                }
              } else {
                const err282 = {
                  instancePath: instancePath + '/int8/sensitivity/' + i33,
                  schemaPath: '#/properties/int8/properties/sensitivity/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err282];
                } else {
                  vErrors.push(err282);
                }
                errors++;
              }
            }
          } else {
            const err283 = {
              instancePath: instancePath + '/int8/sensitivity',
              schemaPath: '#/properties/int8/properties/sensitivity/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err283];
            } else {
              vErrors.push(err283);
            }
            errors++;
          }
        }
        if (data128.policy !== undefined) {
          let data148 = data128.policy;
          if (data148 && typeof data148 == 'object' && !Array.isArray(data148)) {
            if (data148.target === undefined) {
              const err284 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'target' },
                message: "must have required property '" + 'target' + "'",
              };
              if (vErrors === null) {
                vErrors = [err284];
              } else {
                vErrors.push(err284);
              }
              errors++;
            }
            if (data148.allInt8 === undefined) {
              const err285 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'allInt8' },
                message: "must have required property '" + 'allInt8' + "'",
              };
              if (vErrors === null) {
                vErrors = [err285];
              } else {
                vErrors.push(err285);
              }
              errors++;
            }
            if (data148.final === undefined) {
              const err286 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'final' },
                message: "must have required property '" + 'final' + "'",
              };
              if (vErrors === null) {
                vErrors = [err286];
              } else {
                vErrors.push(err286);
              }
              errors++;
            }
            if (data148.kept === undefined) {
              const err287 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'kept' },
                message: "must have required property '" + 'kept' + "'",
              };
              if (vErrors === null) {
                vErrors = [err287];
              } else {
                vErrors.push(err287);
              }
              errors++;
            }
            if (data148.outcome === undefined) {
              const err288 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'outcome' },
                message: "must have required property '" + 'outcome' + "'",
              };
              if (vErrors === null) {
                vErrors = [err288];
              } else {
                vErrors.push(err288);
              }
              errors++;
            }
            if (data148.evaluations === undefined) {
              const err289 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'evaluations' },
                message: "must have required property '" + 'evaluations' + "'",
              };
              if (vErrors === null) {
                vErrors = [err289];
              } else {
                vErrors.push(err289);
              }
              errors++;
            }
            for (const key23 in data148) {
              if (!(
                key23 === 'target' ||
                key23 === 'allInt8' ||
                key23 === 'final' ||
                key23 === 'kept' ||
                key23 === 'outcome' ||
                key23 === 'evaluations'
              )) {
                const err290 = {
                  instancePath: instancePath + '/int8/policy',
                  schemaPath: '#/properties/int8/properties/policy/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key23 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err290];
                } else {
                  vErrors.push(err290);
                }
                errors++;
              }
            }
            if (data148.target !== undefined) {
              let data149 = data148.target;
              if (data149 && typeof data149 == 'object' && !Array.isArray(data149)) {
                if (Object.keys(data149).length < 1) {
                  const err291 = {
                    instancePath: instancePath + '/int8/policy/target',
                    schemaPath: '#/properties/int8/properties/policy/properties/target/minProperties',
                    keyword: 'minProperties',
                    params: { limit: 1 },
                    message: 'must NOT have fewer than 1 properties',
                  };
                  if (vErrors === null) {
                    vErrors = [err291];
                  } else {
                    vErrors.push(err291);
                  }
                  errors++;
                }
                for (const key24 in data149) {
                  if (!(key24 === 'cosine' || key24 === 'top1')) {
                    const err292 = {
                      instancePath: instancePath + '/int8/policy/target',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key24 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err292];
                    } else {
                      vErrors.push(err292);
                    }
                    errors++;
                  }
                }
                if (data149.cosine !== undefined) {
                  let data150 = data149.cosine;
                  if (!(typeof data150 == 'number' && isFinite(data150))) {
                    const err293 = {
                      instancePath: instancePath + '/int8/policy/target/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/properties/cosine/type',
                      keyword: 'type',
                      params: { type: 'number' },
                      message: 'must be number',
                    };
                    if (vErrors === null) {
                      vErrors = [err293];
                    } else {
                      vErrors.push(err293);
                    }
                    errors++;
                  }
                }
                if (data149.top1 !== undefined) {
                  let data151 = data149.top1;
                  if (!(typeof data151 == 'number' && isFinite(data151))) {
                    const err294 = {
                      instancePath: instancePath + '/int8/policy/target/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/properties/top1/type',
                      keyword: 'type',
                      params: { type: 'number' },
                      message: 'must be number',
                    };
                    if (vErrors === null) {
                      vErrors = [err294];
                    } else {
                      vErrors.push(err294);
                    }
                    errors++;
                  }
                }
              } else {
                const err295 = {
                  instancePath: instancePath + '/int8/policy/target',
                  schemaPath: '#/properties/int8/properties/policy/properties/target/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err295];
                } else {
                  vErrors.push(err295);
                }
                errors++;
              }
            }
            if (data148.allInt8 !== undefined) {
              let data152 = data148.allInt8;
              if (data152 && typeof data152 == 'object' && !Array.isArray(data152)) {
                if (data152.cosine === undefined) {
                  const err296 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err296];
                  } else {
                    vErrors.push(err296);
                  }
                  errors++;
                }
                if (data152.maxAbsError === undefined) {
                  const err297 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err297];
                  } else {
                    vErrors.push(err297);
                  }
                  errors++;
                }
                if (data152.top1 === undefined) {
                  const err298 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err298];
                  } else {
                    vErrors.push(err298);
                  }
                  errors++;
                }
                for (const key25 in data152) {
                  if (!(key25 === 'cosine' || key25 === 'maxAbsError' || key25 === 'top1')) {
                    const err299 = {
                      instancePath: instancePath + '/int8/policy/allInt8',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key25 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err299];
                    } else {
                      vErrors.push(err299);
                    }
                    errors++;
                  }
                }
                if (data152.cosine !== undefined) {
                  let data153 = data152.cosine;
                  if (!(typeof data153 == 'number' && isFinite(data153)) && data153 !== null) {
                    const err300 = {
                      instancePath: instancePath + '/int8/policy/allInt8/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err300];
                    } else {
                      vErrors.push(err300);
                    }
                    errors++;
                  }
                }
                if (data152.maxAbsError !== undefined) {
                  let data154 = data152.maxAbsError;
                  if (!(typeof data154 == 'number' && isFinite(data154)) && data154 !== null) {
                    const err301 = {
                      instancePath: instancePath + '/int8/policy/allInt8/maxAbsError',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.maxAbsError.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err301];
                    } else {
                      vErrors.push(err301);
                    }
                    errors++;
                  }
                }
                if (data152.top1 !== undefined) {
                  let data155 = data152.top1;
                  if (!(typeof data155 == 'number' && isFinite(data155)) && data155 !== null) {
                    const err302 = {
                      instancePath: instancePath + '/int8/policy/allInt8/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.top1.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err302];
                    } else {
                      vErrors.push(err302);
                    }
                    errors++;
                  }
                }
              } else {
                const err303 = {
                  instancePath: instancePath + '/int8/policy/allInt8',
                  schemaPath: '#/properties/int8/properties/policy/properties/allInt8/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err303];
                } else {
                  vErrors.push(err303);
                }
                errors++;
              }
            }
            if (data148.final !== undefined) {
              let data156 = data148.final;
              if (data156 && typeof data156 == 'object' && !Array.isArray(data156)) {
                if (data156.cosine === undefined) {
                  const err304 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err304];
                  } else {
                    vErrors.push(err304);
                  }
                  errors++;
                }
                if (data156.maxAbsError === undefined) {
                  const err305 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err305];
                  } else {
                    vErrors.push(err305);
                  }
                  errors++;
                }
                if (data156.top1 === undefined) {
                  const err306 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err306];
                  } else {
                    vErrors.push(err306);
                  }
                  errors++;
                }
                for (const key26 in data156) {
                  if (!(key26 === 'cosine' || key26 === 'maxAbsError' || key26 === 'top1')) {
                    const err307 = {
                      instancePath: instancePath + '/int8/policy/final',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key26 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err307];
                    } else {
                      vErrors.push(err307);
                    }
                    errors++;
                  }
                }
                if (data156.cosine !== undefined) {
                  let data157 = data156.cosine;
                  if (!(typeof data157 == 'number' && isFinite(data157)) && data157 !== null) {
                    const err308 = {
                      instancePath: instancePath + '/int8/policy/final/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err308];
                    } else {
                      vErrors.push(err308);
                    }
                    errors++;
                  }
                }
                if (data156.maxAbsError !== undefined) {
                  let data158 = data156.maxAbsError;
                  if (!(typeof data158 == 'number' && isFinite(data158)) && data158 !== null) {
                    const err309 = {
                      instancePath: instancePath + '/int8/policy/final/maxAbsError',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.maxAbsError.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err309];
                    } else {
                      vErrors.push(err309);
                    }
                    errors++;
                  }
                }
                if (data156.top1 !== undefined) {
                  let data159 = data156.top1;
                  if (!(typeof data159 == 'number' && isFinite(data159)) && data159 !== null) {
                    const err310 = {
                      instancePath: instancePath + '/int8/policy/final/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.top1.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err310];
                    } else {
                      vErrors.push(err310);
                    }
                    errors++;
                  }
                }
              } else {
                const err311 = {
                  instancePath: instancePath + '/int8/policy/final',
                  schemaPath: '#/properties/int8/properties/policy/properties/final/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err311];
                } else {
                  vErrors.push(err311);
                }
                errors++;
              }
            }
            if (data148.kept !== undefined) {
              let data160 = data148.kept;
              if (Array.isArray(data160)) {
                const len34 = data160.length;
                for (let i34 = 0; i34 < len34; i34++) {
                  if (typeof data160[i34] !== 'string') {
                    const err312 = {
                      instancePath: instancePath + '/int8/policy/kept/' + i34,
                      schemaPath: '#/properties/int8/properties/policy/properties/kept/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err312];
                    } else {
                      vErrors.push(err312);
                    }
                    errors++;
                  }
                }
              } else {
                const err313 = {
                  instancePath: instancePath + '/int8/policy/kept',
                  schemaPath: '#/properties/int8/properties/policy/properties/kept/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err313];
                } else {
                  vErrors.push(err313);
                }
                errors++;
              }
            }
            if (data148.outcome !== undefined) {
              let data162 = data148.outcome;
              if (!(data162 === 'met' || data162 === 'met-as-is' || data162 === 'all-kept')) {
                const err314 = {
                  instancePath: instancePath + '/int8/policy/outcome',
                  schemaPath: '#/properties/int8/properties/policy/properties/outcome/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.int8.properties.policy.properties.outcome.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err314];
                } else {
                  vErrors.push(err314);
                }
                errors++;
              }
            }
            if (data148.evaluations !== undefined) {
              let data163 = data148.evaluations;
              if (!(typeof data163 == 'number' && !(data163 % 1) && !isNaN(data163) && isFinite(data163))) {
                const err315 = {
                  instancePath: instancePath + '/int8/policy/evaluations',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err315];
                } else {
                  vErrors.push(err315);
                }
                errors++;
              }
              if (typeof data163 == 'number' && isFinite(data163)) {
                if (data163 < 0 || isNaN(data163)) {
                  const err316 = {
                    instancePath: instancePath + '/int8/policy/evaluations',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err316];
                  } else {
                    vErrors.push(err316);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err317 = {
              instancePath: instancePath + '/int8/policy',
              schemaPath: '#/properties/int8/properties/policy/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err317];
            } else {
              vErrors.push(err317);
            }
            errors++;
          }
        }
      } else {
        const err318 = {
          instancePath: instancePath + '/int8',
          schemaPath: '#/properties/int8/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err318];
        } else {
          vErrors.push(err318);
        }
        errors++;
      }
    }
  } else {
    const err319 = { instancePath, schemaPath: '#/type', keyword: 'type', params: { type: 'object' }, message: 'must be object' };
    if (vErrors === null) {
      vErrors = [err319];
    } else {
      vErrors.push(err319);
    }
    errors++;
  }
  validate10.errors = vErrors;
  return errors === 0;
}
