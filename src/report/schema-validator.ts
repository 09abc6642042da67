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
        fixedInputs: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'dtype', 'shape', 'value'],
            properties: {
              name: { type: 'string' },
              dtype: { type: 'string' },
              shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
              value: { type: 'string' },
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
          if (!func2.call(schema11.properties.model.properties, key1)) {
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
        if (data1.fixedInputs !== undefined) {
          let data21 = data1.fixedInputs;
          if (Array.isArray(data21)) {
            const len6 = data21.length;
            for (let i6 = 0; i6 < len6; i6++) {
              let data22 = data21[i6];
              if (data22 && typeof data22 == 'object' && !Array.isArray(data22)) {
                if (data22.name === undefined) {
                  const err40 = {
                    instancePath: instancePath + '/model/fixedInputs/' + i6,
                    schemaPath: '#/properties/model/properties/fixedInputs/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'name' },
                    message: "must have required property '" + 'name' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err40];
                  } else {
                    vErrors.push(err40);
                  }
                  errors++;
                }
                if (data22.dtype === undefined) {
                  const err41 = {
                    instancePath: instancePath + '/model/fixedInputs/' + i6,
                    schemaPath: '#/properties/model/properties/fixedInputs/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'dtype' },
                    message: "must have required property '" + 'dtype' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err41];
                  } else {
                    vErrors.push(err41);
                  }
                  errors++;
                }
                if (data22.shape === undefined) {
                  const err42 = {
                    instancePath: instancePath + '/model/fixedInputs/' + i6,
                    schemaPath: '#/properties/model/properties/fixedInputs/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'shape' },
                    message: "must have required property '" + 'shape' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err42];
                  } else {
                    vErrors.push(err42);
                  }
                  errors++;
                }
                if (data22.value === undefined) {
                  const err43 = {
                    instancePath: instancePath + '/model/fixedInputs/' + i6,
                    schemaPath: '#/properties/model/properties/fixedInputs/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'value' },
                    message: "must have required property '" + 'value' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err43];
                  } else {
                    vErrors.push(err43);
                  }
                  errors++;
                }
                for (const key5 in data22) {
                  if (!(key5 === 'name' || key5 === 'dtype' || key5 === 'shape' || key5 === 'value')) {
                    const err44 = {
                      instancePath: instancePath + '/model/fixedInputs/' + i6,
                      schemaPath: '#/properties/model/properties/fixedInputs/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key5 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err44];
                    } else {
                      vErrors.push(err44);
                    }
                    errors++;
                  }
                }
                if (data22.name !== undefined) {
                  if (typeof data22.name !== 'string') {
                    const err45 = {
                      instancePath: instancePath + '/model/fixedInputs/' + i6 + '/name',
                      schemaPath: '#/properties/model/properties/fixedInputs/items/properties/name/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err45];
                    } else {
                      vErrors.push(err45);
                    }
                    errors++;
                  }
                }
                if (data22.dtype !== undefined) {
                  if (typeof data22.dtype !== 'string') {
                    const err46 = {
                      instancePath: instancePath + '/model/fixedInputs/' + i6 + '/dtype',
                      schemaPath: '#/properties/model/properties/fixedInputs/items/properties/dtype/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err46];
                    } else {
                      vErrors.push(err46);
                    }
                    errors++;
                  }
                }
                if (data22.shape !== undefined) {
                  let data25 = data22.shape;
                  if (Array.isArray(data25)) {
                    const len7 = data25.length;
                    for (let i7 = 0; i7 < len7; i7++) {
                      let data26 = data25[i7];
                      if (!(typeof data26 == 'number' && !(data26 % 1) && !isNaN(data26) && isFinite(data26))) {
                        const err47 = {
                          instancePath: instancePath + '/model/fixedInputs/' + i6 + '/shape/' + i7,
                          schemaPath: '#/properties/model/properties/fixedInputs/items/properties/shape/items/type',
                          keyword: 'type',
                          params: { type: 'integer' },
                          message: 'must be integer',
                        };
                        if (vErrors === null) {
                          vErrors = [err47];
                        } else {
                          vErrors.push(err47);
                        }
                        errors++;
                      }
                      if (typeof data26 == 'number' && isFinite(data26)) {
                        if (data26 < 0 || isNaN(data26)) {
                          const err48 = {
                            instancePath: instancePath + '/model/fixedInputs/' + i6 + '/shape/' + i7,
                            schemaPath: '#/properties/model/properties/fixedInputs/items/properties/shape/items/minimum',
                            keyword: 'minimum',
                            params: { comparison: '>=', limit: 0 },
                            message: 'must be >= 0',
                          };
                          if (vErrors === null) {
                            vErrors = [err48];
                          } else {
                            vErrors.push(err48);
                          }
                          errors++;
                        }
                      }
                    }
                  } else {
                    const err49 = {
                      instancePath: instancePath + '/model/fixedInputs/' + i6 + '/shape',
                      schemaPath: '#/properties/model/properties/fixedInputs/items/properties/shape/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err49];
                    } else {
                      vErrors.push(err49);
                    }
                    errors++;
                  }
                }
                if (data22.value !== undefined) {
                  if (typeof data22.value !== 'string') {
                    const err50 = {
                      instancePath: instancePath + '/model/fixedInputs/' + i6 + '/value',
                      schemaPath: '#/properties/model/properties/fixedInputs/items/properties/value/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err50];
                    } else {
                      vErrors.push(err50);
                    }
                    errors++;
                  }
                }
              } else {
                const err51 = {
                  instancePath: instancePath + '/model/fixedInputs/' + i6,
                  schemaPath: '#/properties/model/properties/fixedInputs/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
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
              instancePath: instancePath + '/model/fixedInputs',
              schemaPath: '#/properties/model/properties/fixedInputs/type',
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
          instancePath: instancePath + '/model',
          schemaPath: '#/properties/model/type',
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
    if (data.options !== undefined) {
      let data28 = data.options;
      if (data28 && typeof data28 == 'object' && !Array.isArray(data28)) {
        if (data28.minBlockSize === undefined) {
          const err54 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'minBlockSize' },
            message: "must have required property '" + 'minBlockSize' + "'",
          };
          if (vErrors === null) {
            vErrors = [err54];
          } else {
            vErrors.push(err54);
          }
          errors++;
        }
        if (data28.requireFullCompilation === undefined) {
          const err55 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'requireFullCompilation' },
            message: "must have required property '" + 'requireFullCompilation' + "'",
          };
          if (vErrors === null) {
            vErrors = [err55];
          } else {
            vErrors.push(err55);
          }
          errors++;
        }
        if (data28.fallbackOps === undefined) {
          const err56 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackOps' },
            message: "must have required property '" + 'fallbackOps' + "'",
          };
          if (vErrors === null) {
            vErrors = [err56];
          } else {
            vErrors.push(err56);
          }
          errors++;
        }
        if (data28.fallbackNodes === undefined) {
          const err57 = {
            instancePath: instancePath + '/options',
            schemaPath: '#/properties/options/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackNodes' },
            message: "must have required property '" + 'fallbackNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err57];
          } else {
            vErrors.push(err57);
          }
          errors++;
        }
        for (const key6 in data28) {
          if (!(key6 === 'minBlockSize' || key6 === 'requireFullCompilation' || key6 === 'fallbackOps' || key6 === 'fallbackNodes')) {
            const err58 = {
              instancePath: instancePath + '/options',
              schemaPath: '#/properties/options/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key6 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err58];
            } else {
              vErrors.push(err58);
            }
            errors++;
          }
        }
        if (data28.minBlockSize !== undefined) {
          let data29 = data28.minBlockSize;
          if (!(typeof data29 == 'number' && !(data29 % 1) && !isNaN(data29) && isFinite(data29))) {
            const err59 = {
              instancePath: instancePath + '/options/minBlockSize',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err59];
            } else {
              vErrors.push(err59);
            }
            errors++;
          }
          if (typeof data29 == 'number' && isFinite(data29)) {
            if (data29 < 0 || isNaN(data29)) {
              const err60 = {
                instancePath: instancePath + '/options/minBlockSize',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err60];
              } else {
                vErrors.push(err60);
              }
              errors++;
            }
          }
        }
        if (data28.requireFullCompilation !== undefined) {
          if (typeof data28.requireFullCompilation !== 'boolean') {
            const err61 = {
              instancePath: instancePath + '/options/requireFullCompilation',
              schemaPath: '#/properties/options/properties/requireFullCompilation/type',
              keyword: 'type',
              params: { type: 'boolean' },
              message: 'must be boolean',
            };
            if (vErrors === null) {
              vErrors = [err61];
            } else {
              vErrors.push(err61);
            }
            errors++;
          }
        }
        if (data28.fallbackOps !== undefined) {
          let data31 = data28.fallbackOps;
          if (Array.isArray(data31)) {
            const len8 = data31.length;
            for (let i8 = 0; i8 < len8; i8++) {
              if (typeof data31[i8] !== 'string') {
                const err62 = {
                  instancePath: instancePath + '/options/fallbackOps/' + i8,
                  schemaPath: '#/definitions/strings/items/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err62];
                } else {
                  vErrors.push(err62);
                }
                errors++;
              }
            }
          } else {
            const err63 = {
              instancePath: instancePath + '/options/fallbackOps',
              schemaPath: '#/definitions/strings/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err63];
            } else {
              vErrors.push(err63);
            }
            errors++;
          }
        }
        if (data28.fallbackNodes !== undefined) {
          let data33 = data28.fallbackNodes;
          if (Array.isArray(data33)) {
            const len9 = data33.length;
            for (let i9 = 0; i9 < len9; i9++) {
              if (typeof data33[i9] !== 'string') {
                const err64 = {
                  instancePath: instancePath + '/options/fallbackNodes/' + i9,
                  schemaPath: '#/definitions/strings/items/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err64];
                } else {
                  vErrors.push(err64);
                }
                errors++;
              }
            }
          } else {
            const err65 = {
              instancePath: instancePath + '/options/fallbackNodes',
              schemaPath: '#/definitions/strings/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err65];
            } else {
              vErrors.push(err65);
            }
            errors++;
          }
        }
      } else {
        const err66 = {
          instancePath: instancePath + '/options',
          schemaPath: '#/properties/options/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err66];
        } else {
          vErrors.push(err66);
        }
        errors++;
      }
    }
    if (data.summary !== undefined) {
      let data35 = data.summary;
      if (data35 && typeof data35 == 'object' && !Array.isArray(data35)) {
        if (data35.nodes === undefined) {
          const err67 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'nodes' },
            message: "must have required property '" + 'nodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err67];
          } else {
            vErrors.push(err67);
          }
          errors++;
        }
        if (data35.supportedNodes === undefined) {
          const err68 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'supportedNodes' },
            message: "must have required property '" + 'supportedNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err68];
          } else {
            vErrors.push(err68);
          }
          errors++;
        }
        if (data35.engineNodes === undefined) {
          const err69 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'engineNodes' },
            message: "must have required property '" + 'engineNodes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err69];
          } else {
            vErrors.push(err69);
          }
          errors++;
        }
        if (data35.coverage === undefined) {
          const err70 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'coverage' },
            message: "must have required property '" + 'coverage' + "'",
          };
          if (vErrors === null) {
            vErrors = [err70];
          } else {
            vErrors.push(err70);
          }
          errors++;
        }
        if (data35.engineSegments === undefined) {
          const err71 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'engineSegments' },
            message: "must have required property '" + 'engineSegments' + "'",
          };
          if (vErrors === null) {
            vErrors = [err71];
          } else {
            vErrors.push(err71);
          }
          errors++;
        }
        if (data35.fallbackSegments === undefined) {
          const err72 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'fallbackSegments' },
            message: "must have required property '" + 'fallbackSegments' + "'",
          };
          if (vErrors === null) {
            vErrors = [err72];
          } else {
            vErrors.push(err72);
          }
          errors++;
        }
        if (data35.boundaryTransfers === undefined) {
          const err73 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'boundaryTransfers' },
            message: "must have required property '" + 'boundaryTransfers' + "'",
          };
          if (vErrors === null) {
            vErrors = [err73];
          } else {
            vErrors.push(err73);
          }
          errors++;
        }
        if (data35.boundaryBytes === undefined) {
          const err74 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'boundaryBytes' },
            message: "must have required property '" + 'boundaryBytes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err74];
          } else {
            vErrors.push(err74);
          }
          errors++;
        }
        if (data35.unknownBytesTransfers === undefined) {
          const err75 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'unknownBytesTransfers' },
            message: "must have required property '" + 'unknownBytesTransfers' + "'",
          };
          if (vErrors === null) {
            vErrors = [err75];
          } else {
            vErrors.push(err75);
          }
          errors++;
        }
        if (data35.hostDeviceCopies === undefined) {
          const err76 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'hostDeviceCopies' },
            message: "must have required property '" + 'hostDeviceCopies' + "'",
          };
          if (vErrors === null) {
            vErrors = [err76];
          } else {
            vErrors.push(err76);
          }
          errors++;
        }
        if (data35.hostDeviceBytes === undefined) {
          const err77 = {
            instancePath: instancePath + '/summary',
            schemaPath: '#/properties/summary/required',
            keyword: 'required',
            params: { missingProperty: 'hostDeviceBytes' },
            message: "must have required property '" + 'hostDeviceBytes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err77];
          } else {
            vErrors.push(err77);
          }
          errors++;
        }
        for (const key7 in data35) {
          if (!func2.call(schema11.properties.summary.properties, key7)) {
            const err78 = {
              instancePath: instancePath + '/summary',
              schemaPath: '#/properties/summary/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key7 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err78];
            } else {
              vErrors.push(err78);
            }
            errors++;
          }
        }
        if (data35.nodes !== undefined) {
          let data36 = data35.nodes;
          if (!(typeof data36 == 'number' && !(data36 % 1) && !isNaN(data36) && isFinite(data36))) {
            const err79 = {
              instancePath: instancePath + '/summary/nodes',
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
          if (typeof data36 == 'number' && isFinite(data36)) {
            if (data36 < 0 || isNaN(data36)) {
              const err80 = {
                instancePath: instancePath + '/summary/nodes',
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
        if (data35.supportedNodes !== undefined) {
          let data37 = data35.supportedNodes;
          if (!(typeof data37 == 'number' && !(data37 % 1) && !isNaN(data37) && isFinite(data37))) {
            const err81 = {
              instancePath: instancePath + '/summary/supportedNodes',
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
          if (typeof data37 == 'number' && isFinite(data37)) {
            if (data37 < 0 || isNaN(data37)) {
              const err82 = {
                instancePath: instancePath + '/summary/supportedNodes',
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
        if (data35.engineNodes !== undefined) {
          let data38 = data35.engineNodes;
          if (!(typeof data38 == 'number' && !(data38 % 1) && !isNaN(data38) && isFinite(data38))) {
            const err83 = {
              instancePath: instancePath + '/summary/engineNodes',
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
          if (typeof data38 == 'number' && isFinite(data38)) {
            if (data38 < 0 || isNaN(data38)) {
              const err84 = {
                instancePath: instancePath + '/summary/engineNodes',
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
        if (data35.coverage !== undefined) {
          let data39 = data35.coverage;
          if (typeof data39 == 'number' && isFinite(data39)) {
            if (data39 > 1 || isNaN(data39)) {
              const err85 = {
                instancePath: instancePath + '/summary/coverage',
                schemaPath: '#/properties/summary/properties/coverage/maximum',
                keyword: 'maximum',
                params: { comparison: '<=', limit: 1 },
                message: 'must be <= 1',
              };
              if (vErrors === null) {
                vErrors = [err85];
              } else {
                vErrors.push(err85);
              }
              errors++;
            }
            if (data39 < 0 || isNaN(data39)) {
              const err86 = {
                instancePath: instancePath + '/summary/coverage',
                schemaPath: '#/properties/summary/properties/coverage/minimum',
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
          } else {
            const err87 = {
              instancePath: instancePath + '/summary/coverage',
              schemaPath: '#/properties/summary/properties/coverage/type',
              keyword: 'type',
              params: { type: 'number' },
              message: 'must be number',
            };
            if (vErrors === null) {
              vErrors = [err87];
            } else {
              vErrors.push(err87);
            }
            errors++;
          }
        }
        if (data35.engineSegments !== undefined) {
          let data40 = data35.engineSegments;
          if (!(typeof data40 == 'number' && !(data40 % 1) && !isNaN(data40) && isFinite(data40))) {
            const err88 = {
              instancePath: instancePath + '/summary/engineSegments',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err88];
            } else {
              vErrors.push(err88);
            }
            errors++;
          }
          if (typeof data40 == 'number' && isFinite(data40)) {
            if (data40 < 0 || isNaN(data40)) {
              const err89 = {
                instancePath: instancePath + '/summary/engineSegments',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err89];
              } else {
                vErrors.push(err89);
              }
              errors++;
            }
          }
        }
        if (data35.fallbackSegments !== undefined) {
          let data41 = data35.fallbackSegments;
          if (!(typeof data41 == 'number' && !(data41 % 1) && !isNaN(data41) && isFinite(data41))) {
            const err90 = {
              instancePath: instancePath + '/summary/fallbackSegments',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err90];
            } else {
              vErrors.push(err90);
            }
            errors++;
          }
          if (typeof data41 == 'number' && isFinite(data41)) {
            if (data41 < 0 || isNaN(data41)) {
              const err91 = {
                instancePath: instancePath + '/summary/fallbackSegments',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err91];
              } else {
                vErrors.push(err91);
              }
              errors++;
            }
          }
        }
        if (data35.boundaryTransfers !== undefined) {
          let data42 = data35.boundaryTransfers;
          if (!(typeof data42 == 'number' && !(data42 % 1) && !isNaN(data42) && isFinite(data42))) {
            const err92 = {
              instancePath: instancePath + '/summary/boundaryTransfers',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err92];
            } else {
              vErrors.push(err92);
            }
            errors++;
          }
          if (typeof data42 == 'number' && isFinite(data42)) {
            if (data42 < 0 || isNaN(data42)) {
              const err93 = {
                instancePath: instancePath + '/summary/boundaryTransfers',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err93];
              } else {
                vErrors.push(err93);
              }
              errors++;
            }
          }
        }
        if (data35.boundaryBytes !== undefined) {
          let data43 = data35.boundaryBytes;
          if (!(typeof data43 == 'number' && !(data43 % 1) && !isNaN(data43) && isFinite(data43))) {
            const err94 = {
              instancePath: instancePath + '/summary/boundaryBytes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err94];
            } else {
              vErrors.push(err94);
            }
            errors++;
          }
          if (typeof data43 == 'number' && isFinite(data43)) {
            if (data43 < 0 || isNaN(data43)) {
              const err95 = {
                instancePath: instancePath + '/summary/boundaryBytes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err95];
              } else {
                vErrors.push(err95);
              }
              errors++;
            }
          }
        }
        if (data35.unknownBytesTransfers !== undefined) {
          let data44 = data35.unknownBytesTransfers;
          if (!(typeof data44 == 'number' && !(data44 % 1) && !isNaN(data44) && isFinite(data44))) {
            const err96 = {
              instancePath: instancePath + '/summary/unknownBytesTransfers',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err96];
            } else {
              vErrors.push(err96);
            }
            errors++;
          }
          if (typeof data44 == 'number' && isFinite(data44)) {
            if (data44 < 0 || isNaN(data44)) {
              const err97 = {
                instancePath: instancePath + '/summary/unknownBytesTransfers',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err97];
              } else {
                vErrors.push(err97);
              }
              errors++;
            }
          }
        }
        if (data35.hostDeviceCopies !== undefined) {
          let data45 = data35.hostDeviceCopies;
          if (!(typeof data45 == 'number' && !(data45 % 1) && !isNaN(data45) && isFinite(data45))) {
            const err98 = {
              instancePath: instancePath + '/summary/hostDeviceCopies',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err98];
            } else {
              vErrors.push(err98);
            }
            errors++;
          }
          if (typeof data45 == 'number' && isFinite(data45)) {
            if (data45 < 0 || isNaN(data45)) {
              const err99 = {
                instancePath: instancePath + '/summary/hostDeviceCopies',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err99];
              } else {
                vErrors.push(err99);
              }
              errors++;
            }
          }
        }
        if (data35.hostDeviceBytes !== undefined) {
          let data46 = data35.hostDeviceBytes;
          if (!(typeof data46 == 'number' && !(data46 % 1) && !isNaN(data46) && isFinite(data46))) {
            const err100 = {
              instancePath: instancePath + '/summary/hostDeviceBytes',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err100];
            } else {
              vErrors.push(err100);
            }
            errors++;
          }
          if (typeof data46 == 'number' && isFinite(data46)) {
            if (data46 < 0 || isNaN(data46)) {
              const err101 = {
                instancePath: instancePath + '/summary/hostDeviceBytes',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err101];
              } else {
                vErrors.push(err101);
              }
              errors++;
            }
          }
        }
      } else {
        const err102 = {
          instancePath: instancePath + '/summary',
          schemaPath: '#/properties/summary/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err102];
        } else {
          vErrors.push(err102);
        }
        errors++;
      }
    }
    if (data.unsupported !== undefined) {
      let data47 = data.unsupported;
      if (Array.isArray(data47)) {
        const len10 = data47.length;
        for (let i10 = 0; i10 < len10; i10++) {
          let data48 = data47[i10];
          if (data48 && typeof data48 == 'object' && !Array.isArray(data48)) {
            if (data48.opType === undefined) {
              const err103 = {
                instancePath: instancePath + '/unsupported/' + i10,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'opType' },
                message: "must have required property '" + 'opType' + "'",
              };
              if (vErrors === null) {
                vErrors = [err103];
              } else {
                vErrors.push(err103);
              }
              errors++;
            }
            if (data48.domain === undefined) {
              const err104 = {
                instancePath: instancePath + '/unsupported/' + i10,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'domain' },
                message: "must have required property '" + 'domain' + "'",
              };
              if (vErrors === null) {
                vErrors = [err104];
              } else {
                vErrors.push(err104);
              }
              errors++;
            }
            if (data48.count === undefined) {
              const err105 = {
                instancePath: instancePath + '/unsupported/' + i10,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'count' },
                message: "must have required property '" + 'count' + "'",
              };
              if (vErrors === null) {
                vErrors = [err105];
              } else {
                vErrors.push(err105);
              }
              errors++;
            }
            if (data48.reasons === undefined) {
              const err106 = {
                instancePath: instancePath + '/unsupported/' + i10,
                schemaPath: '#/properties/unsupported/items/required',
                keyword: 'required',
                params: { missingProperty: 'reasons' },
                message: "must have required property '" + 'reasons' + "'",
              };
              if (vErrors === null) {
                vErrors = [err106];
              } else {
                vErrors.push(err106);
              }
              errors++;
            }
            for (const key8 in data48) {
              if (!(key8 === 'opType' || key8 === 'domain' || key8 === 'count' || key8 === 'reasons')) {
                const err107 = {
                  instancePath: instancePath + '/unsupported/' + i10,
                  schemaPath: '#/properties/unsupported/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key8 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err107];
                } else {
                  vErrors.push(err107);
                }
                errors++;
              }
            }
            if (data48.opType !== undefined) {
              if (typeof data48.opType !== 'string') {
                const err108 = {
                  instancePath: instancePath + '/unsupported/' + i10 + '/opType',
                  schemaPath: '#/properties/unsupported/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err108];
                } else {
                  vErrors.push(err108);
                }
                errors++;
              }
            }
            if (data48.domain !== undefined) {
              if (typeof data48.domain !== 'string') {
                const err109 = {
                  instancePath: instancePath + '/unsupported/' + i10 + '/domain',
                  schemaPath: '#/properties/unsupported/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err109];
                } else {
                  vErrors.push(err109);
                }
                errors++;
              }
            }
            if (data48.count !== undefined) {
              let data51 = data48.count;
              if (!(typeof data51 == 'number' && !(data51 % 1) && !isNaN(data51) && isFinite(data51))) {
                const err110 = {
                  instancePath: instancePath + '/unsupported/' + i10 + '/count',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err110];
                } else {
                  vErrors.push(err110);
                }
                errors++;
              }
              if (typeof data51 == 'number' && isFinite(data51)) {
                if (data51 < 0 || isNaN(data51)) {
                  const err111 = {
                    instancePath: instancePath + '/unsupported/' + i10 + '/count',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err111];
                  } else {
                    vErrors.push(err111);
                  }
                  errors++;
                }
              }
            }
            if (data48.reasons !== undefined) {
              let data52 = data48.reasons;
              if (Array.isArray(data52)) {
                const len11 = data52.length;
                for (let i11 = 0; i11 < len11; i11++) {
                  let data53 = data52[i11];
                  if (data53 && typeof data53 == 'object' && !Array.isArray(data53)) {
                    if (data53.reason === undefined) {
                      const err112 = {
                        instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11,
                        schemaPath: '#/properties/unsupported/items/properties/reasons/items/required',
                        keyword: 'required',
                        params: { missingProperty: 'reason' },
                        message: "must have required property '" + 'reason' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err112];
                      } else {
                        vErrors.push(err112);
                      }
                      errors++;
                    }
                    if (data53.nodes === undefined) {
                      const err113 = {
                        instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11,
                        schemaPath: '#/properties/unsupported/items/properties/reasons/items/required',
                        keyword: 'required',
                        params: { missingProperty: 'nodes' },
                        message: "must have required property '" + 'nodes' + "'",
                      };
                      if (vErrors === null) {
                        vErrors = [err113];
                      } else {
                        vErrors.push(err113);
                      }
                      errors++;
                    }
                    for (const key9 in data53) {
                      if (!(key9 === 'reason' || key9 === 'nodes')) {
                        const err114 = {
                          instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11,
                          schemaPath: '#/properties/unsupported/items/properties/reasons/items/additionalProperties',
                          keyword: 'additionalProperties',
                          params: { additionalProperty: key9 },
                          message: 'must NOT have additional properties',
                        };
                        if (vErrors === null) {
                          vErrors = [err114];
                        } else {
                          vErrors.push(err114);
                        }
                        errors++;
                      }
                    }
                    if (data53.reason !== undefined) {
                      if (typeof data53.reason !== 'string') {
                        const err115 = {
                          instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11 + '/reason',
                          schemaPath: '#/properties/unsupported/items/properties/reasons/items/properties/reason/type',
                          keyword: 'type',
                          params: { type: 'string' },
                          message: 'must be string',
                        };
                        if (vErrors === null) {
                          vErrors = [err115];
                        } else {
                          vErrors.push(err115);
                        }
                        errors++;
                      }
                    }
                    if (data53.nodes !== undefined) {
                      let data55 = data53.nodes;
                      if (Array.isArray(data55)) {
                        const len12 = data55.length;
                        for (let i12 = 0; i12 < len12; i12++) {
                          if (typeof data55[i12] !== 'string') {
                            const err116 = {
                              instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11 + '/nodes/' + i12,
                              schemaPath: '#/definitions/strings/items/type',
                              keyword: 'type',
                              params: { type: 'string' },
                              message: 'must be string',
                            };
                            if (vErrors === null) {
                              vErrors = [err116];
                            } else {
                              vErrors.push(err116);
                            }
                            errors++;
                          }
                        }
                      } else {
                        const err117 = {
                          instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11 + '/nodes',
                          schemaPath: '#/definitions/strings/type',
                          keyword: 'type',
                          params: { type: 'array' },
                          message: 'must be array',
                        };
                        if (vErrors === null) {
                          vErrors = [err117];
                        } else {
                          vErrors.push(err117);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err118 = {
                      instancePath: instancePath + '/unsupported/' + i10 + '/reasons/' + i11,
                      schemaPath: '#/properties/unsupported/items/properties/reasons/items/type',
                      keyword: 'type',
                      params: { type: 'object' },
                      message: 'must be object',
                    };
                    if (vErrors === null) {
                      vErrors = [err118];
                    } else {
                      vErrors.push(err118);
                    }
                    errors++;
                  }
                }
              } else {
                const err119 = {
                  instancePath: instancePath + '/unsupported/' + i10 + '/reasons',
                  schemaPath: '#/properties/unsupported/items/properties/reasons/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err119];
                } else {
                  vErrors.push(err119);
                }
                errors++;
              }
            }
          } else {
            const err120 = {
              instancePath: instancePath + '/unsupported/' + i10,
              schemaPath: '#/properties/unsupported/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err120];
            } else {
              vErrors.push(err120);
            }
            errors++;
          }
        }
      } else {
        const err121 = {
          instancePath: instancePath + '/unsupported',
          schemaPath: '#/properties/unsupported/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err121];
        } else {
          vErrors.push(err121);
        }
        errors++;
      }
    }
    if (data.nodes !== undefined) {
      let data57 = data.nodes;
      if (Array.isArray(data57)) {
        const len13 = data57.length;
        for (let i13 = 0; i13 < len13; i13++) {
          let data58 = data57[i13];
          if (data58 && typeof data58 == 'object' && !Array.isArray(data58)) {
            if (data58.name === undefined) {
              const err122 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'name' },
                message: "must have required property '" + 'name' + "'",
              };
              if (vErrors === null) {
                vErrors = [err122];
              } else {
                vErrors.push(err122);
              }
              errors++;
            }
            if (data58.opType === undefined) {
              const err123 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'opType' },
                message: "must have required property '" + 'opType' + "'",
              };
              if (vErrors === null) {
                vErrors = [err123];
              } else {
                vErrors.push(err123);
              }
              errors++;
            }
            if (data58.domain === undefined) {
              const err124 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'domain' },
                message: "must have required property '" + 'domain' + "'",
              };
              if (vErrors === null) {
                vErrors = [err124];
              } else {
                vErrors.push(err124);
              }
              errors++;
            }
            if (data58.segment === undefined) {
              const err125 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'segment' },
                message: "must have required property '" + 'segment' + "'",
              };
              if (vErrors === null) {
                vErrors = [err125];
              } else {
                vErrors.push(err125);
              }
              errors++;
            }
            if (data58.supported === undefined) {
              const err126 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'supported' },
                message: "must have required property '" + 'supported' + "'",
              };
              if (vErrors === null) {
                vErrors = [err126];
              } else {
                vErrors.push(err126);
              }
              errors++;
            }
            if (data58.inputs === undefined) {
              const err127 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'inputs' },
                message: "must have required property '" + 'inputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err127];
              } else {
                vErrors.push(err127);
              }
              errors++;
            }
            if (data58.outputs === undefined) {
              const err128 = {
                instancePath: instancePath + '/nodes/' + i13,
                schemaPath: '#/properties/nodes/items/required',
                keyword: 'required',
                params: { missingProperty: 'outputs' },
                message: "must have required property '" + 'outputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err128];
              } else {
                vErrors.push(err128);
              }
              errors++;
            }
            for (const key10 in data58) {
              if (!func2.call(schema11.properties.nodes.items.properties, key10)) {
                const err129 = {
                  instancePath: instancePath + '/nodes/' + i13,
                  schemaPath: '#/properties/nodes/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key10 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err129];
                } else {
                  vErrors.push(err129);
                }
                errors++;
              }
            }
            if (data58.name !== undefined) {
              if (typeof data58.name !== 'string') {
                const err130 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/name',
                  schemaPath: '#/properties/nodes/items/properties/name/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err130];
                } else {
                  vErrors.push(err130);
                }
                errors++;
              }
            }
            if (data58.opType !== undefined) {
              if (typeof data58.opType !== 'string') {
                const err131 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/opType',
                  schemaPath: '#/properties/nodes/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err131];
                } else {
                  vErrors.push(err131);
                }
                errors++;
              }
            }
            if (data58.domain !== undefined) {
              if (typeof data58.domain !== 'string') {
                const err132 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/domain',
                  schemaPath: '#/properties/nodes/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err132];
                } else {
                  vErrors.push(err132);
                }
                errors++;
              }
            }
            if (data58.segment !== undefined) {
              let data62 = data58.segment;
              if (!(typeof data62 == 'number' && !(data62 % 1) && !isNaN(data62) && isFinite(data62))) {
                const err133 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/segment',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err133];
                } else {
                  vErrors.push(err133);
                }
                errors++;
              }
              if (typeof data62 == 'number' && isFinite(data62)) {
                if (data62 < 0 || isNaN(data62)) {
                  const err134 = {
                    instancePath: instancePath + '/nodes/' + i13 + '/segment',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err134];
                  } else {
                    vErrors.push(err134);
                  }
                  errors++;
                }
              }
            }
            if (data58.supported !== undefined) {
              if (typeof data58.supported !== 'boolean') {
                const err135 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/supported',
                  schemaPath: '#/properties/nodes/items/properties/supported/type',
                  keyword: 'type',
                  params: { type: 'boolean' },
                  message: 'must be boolean',
                };
                if (vErrors === null) {
                  vErrors = [err135];
                } else {
                  vErrors.push(err135);
                }
                errors++;
              }
            }
            if (data58.reason !== undefined) {
              if (typeof data58.reason !== 'string') {
                const err136 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/reason',
                  schemaPath: '#/properties/nodes/items/properties/reason/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err136];
                } else {
                  vErrors.push(err136);
                }
                errors++;
              }
            }
            if (data58.forced !== undefined) {
              let data65 = data58.forced;
              if (!(data65 === 'fallbackOps' || data65 === 'fallbackNodes')) {
                const err137 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/forced',
                  schemaPath: '#/properties/nodes/items/properties/forced/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.nodes.items.properties.forced.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err137];
                } else {
                  vErrors.push(err137);
                }
                errors++;
              }
            }
            if (data58.demoted !== undefined) {
              if (typeof data58.demoted !== 'boolean') {
                const err138 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/demoted',
                  schemaPath: '#/properties/nodes/items/properties/demoted/type',
                  keyword: 'type',
                  params: { type: 'boolean' },
                  message: 'must be boolean',
                };
                if (vErrors === null) {
                  vErrors = [err138];
                } else {
                  vErrors.push(err138);
                }
                errors++;
              }
            }
            if (data58.inputs !== undefined) {
              let data67 = data58.inputs;
              if (Array.isArray(data67)) {
                const len14 = data67.length;
                for (let i14 = 0; i14 < len14; i14++) {
                  if (typeof data67[i14] !== 'string') {
                    const err139 = {
                      instancePath: instancePath + '/nodes/' + i13 + '/inputs/' + i14,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err139];
                    } else {
                      vErrors.push(err139);
                    }
                    errors++;
                  }
                }
              } else {
                const err140 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/inputs',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err140];
                } else {
                  vErrors.push(err140);
                }
                errors++;
              }
            }
            if (data58.outputs !== undefined) {
              let data69 = data58.outputs;
              if (Array.isArray(data69)) {
                const len15 = data69.length;
                for (let i15 = 0; i15 < len15; i15++) {
                  if (typeof data69[i15] !== 'string') {
                    const err141 = {
                      instancePath: instancePath + '/nodes/' + i13 + '/outputs/' + i15,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err141];
                    } else {
                      vErrors.push(err141);
                    }
                    errors++;
                  }
                }
              } else {
                const err142 = {
                  instancePath: instancePath + '/nodes/' + i13 + '/outputs',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
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
              instancePath: instancePath + '/nodes/' + i13,
              schemaPath: '#/properties/nodes/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err143];
            } else {
              vErrors.push(err143);
            }
            errors++;
          }
        }
      } else {
        const err144 = {
          instancePath: instancePath + '/nodes',
          schemaPath: '#/properties/nodes/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err144];
        } else {
          vErrors.push(err144);
        }
        errors++;
      }
    }
    if (data.segments !== undefined) {
      let data71 = data.segments;
      if (Array.isArray(data71)) {
        const len16 = data71.length;
        for (let i16 = 0; i16 < len16; i16++) {
          let data72 = data71[i16];
          if (data72 && typeof data72 == 'object' && !Array.isArray(data72)) {
            if (data72.id === undefined) {
              const err145 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'id' },
                message: "must have required property '" + 'id' + "'",
              };
              if (vErrors === null) {
                vErrors = [err145];
              } else {
                vErrors.push(err145);
              }
              errors++;
            }
            if (data72.kind === undefined) {
              const err146 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'kind' },
                message: "must have required property '" + 'kind' + "'",
              };
              if (vErrors === null) {
                vErrors = [err146];
              } else {
                vErrors.push(err146);
              }
              errors++;
            }
            if (data72.nodes === undefined) {
              const err147 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'nodes' },
                message: "must have required property '" + 'nodes' + "'",
              };
              if (vErrors === null) {
                vErrors = [err147];
              } else {
                vErrors.push(err147);
              }
              errors++;
            }
            if (data72.ops === undefined) {
              const err148 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'ops' },
                message: "must have required property '" + 'ops' + "'",
              };
              if (vErrors === null) {
                vErrors = [err148];
              } else {
                vErrors.push(err148);
              }
              errors++;
            }
            if (data72.inputs === undefined) {
              const err149 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'inputs' },
                message: "must have required property '" + 'inputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err149];
              } else {
                vErrors.push(err149);
              }
              errors++;
            }
            if (data72.outputs === undefined) {
              const err150 = {
                instancePath: instancePath + '/segments/' + i16,
                schemaPath: '#/properties/segments/items/required',
                keyword: 'required',
                params: { missingProperty: 'outputs' },
                message: "must have required property '" + 'outputs' + "'",
              };
              if (vErrors === null) {
                vErrors = [err150];
              } else {
                vErrors.push(err150);
              }
              errors++;
            }
            for (const key11 in data72) {
              if (!(key11 === 'id' || key11 === 'kind' || key11 === 'nodes' || key11 === 'ops' || key11 === 'inputs' || key11 === 'outputs')) {
                const err151 = {
                  instancePath: instancePath + '/segments/' + i16,
                  schemaPath: '#/properties/segments/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key11 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err151];
                } else {
                  vErrors.push(err151);
                }
                errors++;
              }
            }
            if (data72.id !== undefined) {
              let data73 = data72.id;
              if (!(typeof data73 == 'number' && !(data73 % 1) && !isNaN(data73) && isFinite(data73))) {
                const err152 = {
                  instancePath: instancePath + '/segments/' + i16 + '/id',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err152];
                } else {
                  vErrors.push(err152);
                }
                errors++;
              }
              if (typeof data73 == 'number' && isFinite(data73)) {
                if (data73 < 0 || isNaN(data73)) {
                  const err153 = {
                    instancePath: instancePath + '/segments/' + i16 + '/id',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err153];
                  } else {
                    vErrors.push(err153);
                  }
                  errors++;
                }
              }
            }
            if (data72.kind !== undefined) {
              let data74 = data72.kind;
              if (!(data74 === 'engine' || data74 === 'fallback')) {
                const err154 = {
                  instancePath: instancePath + '/segments/' + i16 + '/kind',
                  schemaPath: '#/properties/segments/items/properties/kind/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.segments.items.properties.kind.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err154];
                } else {
                  vErrors.push(err154);
                }
                errors++;
              }
            }
            if (data72.nodes !== undefined) {
              let data75 = data72.nodes;
              if (Array.isArray(data75)) {
                const len17 = data75.length;
                for (let i17 = 0; i17 < len17; i17++) {
                  if (typeof data75[i17] !== 'string') {
                    const err155 = {
                      instancePath: instancePath + '/segments/' + i16 + '/nodes/' + i17,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err155];
                    } else {
                      vErrors.push(err155);
                    }
                    errors++;
                  }
                }
              } else {
                const err156 = {
                  instancePath: instancePath + '/segments/' + i16 + '/nodes',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err156];
                } else {
                  vErrors.push(err156);
                }
                errors++;
              }
            }
            if (data72.ops !== undefined) {
              let data77 = data72.ops;
              if (data77 && typeof data77 == 'object' && !Array.isArray(data77)) {
                for (const key12 in data77) {
                  let data78 = data77[key12];
                  if (!(typeof data78 == 'number' && !(data78 % 1) && !isNaN(data78) && isFinite(data78))) {
                    const err157 = {
                      instancePath: instancePath + '/segments/' + i16 + '/ops/' + key12.replace(/~/g, '~0').replace(/\//g, '~1'),
                      schemaPath: '#/properties/segments/items/properties/ops/additionalProperties/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err157];
                    } else {
                      vErrors.push(err157);
                    }
                    errors++;
                  }
                  if (typeof data78 == 'number' && isFinite(data78)) {
                    if (data78 < 1 || isNaN(data78)) {
                      const err158 = {
                        instancePath: instancePath + '/segments/' + i16 + '/ops/' + key12.replace(/~/g, '~0').replace(/\//g, '~1'),
                        schemaPath: '#/properties/segments/items/properties/ops/additionalProperties/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 1 },
                        message: 'must be >= 1',
                      };
                      if (vErrors === null) {
                        vErrors = [err158];
                      } else {
                        vErrors.push(err158);
                      }
                      errors++;
                    }
                  }
                }
              } else {
                const err159 = {
                  instancePath: instancePath + '/segments/' + i16 + '/ops',
                  schemaPath: '#/properties/segments/items/properties/ops/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err159];
                } else {
                  vErrors.push(err159);
                }
                errors++;
              }
            }
            if (data72.inputs !== undefined) {
              let data79 = data72.inputs;
              if (Array.isArray(data79)) {
                const len18 = data79.length;
                for (let i18 = 0; i18 < len18; i18++) {
                  if (
                    !validate11(data79[i18], {
                      instancePath: instancePath + '/segments/' + i16 + '/inputs/' + i18,
                      parentData: data79,
                      parentDataProperty: i18,
                      rootData,
                    })
                  ) {
                    vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                    errors = vErrors.length;
                  }
                }
              } else {
                const err160 = {
                  instancePath: instancePath + '/segments/' + i16 + '/inputs',
                  schemaPath: '#/properties/segments/items/properties/inputs/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err160];
                } else {
                  vErrors.push(err160);
                }
                errors++;
              }
            }
            if (data72.outputs !== undefined) {
              let data81 = data72.outputs;
              if (Array.isArray(data81)) {
                const len19 = data81.length;
                for (let i19 = 0; i19 < len19; i19++) {
                  if (
                    !validate11(data81[i19], {
                      instancePath: instancePath + '/segments/' + i16 + '/outputs/' + i19,
                      parentData: data81,
                      parentDataProperty: i19,
                      rootData,
                    })
                  ) {
                    vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
                    errors = vErrors.length;
                  }
                }
              } else {
                const err161 = {
                  instancePath: instancePath + '/segments/' + i16 + '/outputs',
                  schemaPath: '#/properties/segments/items/properties/outputs/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err161];
                } else {
                  vErrors.push(err161);
                }
                errors++;
              }
            }
          } else {
            const err162 = {
              instancePath: instancePath + '/segments/' + i16,
              schemaPath: '#/properties/segments/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err162];
            } else {
              vErrors.push(err162);
            }
            errors++;
          }
        }
      } else {
        const err163 = {
          instancePath: instancePath + '/segments',
          schemaPath: '#/properties/segments/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err163];
        } else {
          vErrors.push(err163);
        }
        errors++;
      }
    }
    if (data.transfers !== undefined) {
      let data83 = data.transfers;
      if (Array.isArray(data83)) {
        const len20 = data83.length;
        for (let i20 = 0; i20 < len20; i20++) {
          let data84 = data83[i20];
          if (data84 && typeof data84 == 'object' && !Array.isArray(data84)) {
            if (data84.name === undefined) {
              const err164 = {
                instancePath: instancePath + '/transfers/' + i20,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'name' },
                message: "must have required property '" + 'name' + "'",
              };
              if (vErrors === null) {
                vErrors = [err164];
              } else {
                vErrors.push(err164);
              }
              errors++;
            }
            if (data84.from === undefined) {
              const err165 = {
                instancePath: instancePath + '/transfers/' + i20,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'from' },
                message: "must have required property '" + 'from' + "'",
              };
              if (vErrors === null) {
                vErrors = [err165];
              } else {
                vErrors.push(err165);
              }
              errors++;
            }
            if (data84.to === undefined) {
              const err166 = {
                instancePath: instancePath + '/transfers/' + i20,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'to' },
                message: "must have required property '" + 'to' + "'",
              };
              if (vErrors === null) {
                vErrors = [err166];
              } else {
                vErrors.push(err166);
              }
              errors++;
            }
            if (data84.copy === undefined) {
              const err167 = {
                instancePath: instancePath + '/transfers/' + i20,
                schemaPath: '#/properties/transfers/items/required',
                keyword: 'required',
                params: { missingProperty: 'copy' },
                message: "must have required property '" + 'copy' + "'",
              };
              if (vErrors === null) {
                vErrors = [err167];
              } else {
                vErrors.push(err167);
              }
              errors++;
            }
            for (const key13 in data84) {
              if (!(
                key13 === 'name' ||
                key13 === 'dtype' ||
                key13 === 'shape' ||
                key13 === 'bytes' ||
                key13 === 'from' ||
                key13 === 'to' ||
                key13 === 'copy'
              )) {
                const err168 = {
                  instancePath: instancePath + '/transfers/' + i20,
                  schemaPath: '#/properties/transfers/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key13 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err168];
                } else {
                  vErrors.push(err168);
                }
                errors++;
              }
            }
            if (data84.name !== undefined) {
              if (typeof data84.name !== 'string') {
                const err169 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/name',
                  schemaPath: '#/properties/transfers/items/properties/name/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err169];
                } else {
                  vErrors.push(err169);
                }
                errors++;
              }
            }
            if (data84.dtype !== undefined) {
              if (typeof data84.dtype !== 'string') {
                const err170 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/dtype',
                  schemaPath: '#/properties/transfers/items/properties/dtype/type',
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
            if (data84.shape !== undefined) {
              let data87 = data84.shape;
              if (Array.isArray(data87)) {
                const len21 = data87.length;
                for (let i21 = 0; i21 < len21; i21++) {
                  let data88 = data87[i21];
                  if (!(typeof data88 == 'number' && !(data88 % 1) && !isNaN(data88) && isFinite(data88)) && typeof data88 !== 'string') {
                    const err171 = {
                      instancePath: instancePath + '/transfers/' + i20 + '/shape/' + i21,
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
                  instancePath: instancePath + '/transfers/' + i20 + '/shape',
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
            if (data84.bytes !== undefined) {
              let data89 = data84.bytes;
              if (!(typeof data89 == 'number' && !(data89 % 1) && !isNaN(data89) && isFinite(data89))) {
                const err173 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/bytes',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err173];
                } else {
                  vErrors.push(err173);
                }
                errors++;
              }
              if (typeof data89 == 'number' && isFinite(data89)) {
                if (data89 < 0 || isNaN(data89)) {
                  const err174 = {
                    instancePath: instancePath + '/transfers/' + i20 + '/bytes',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err174];
                  } else {
                    vErrors.push(err174);
                  }
                  errors++;
                }
              }
            }
            if (data84.from !== undefined) {
              let data90 = data84.from;
              if (!(typeof data90 == 'number' && !(data90 % 1) && !isNaN(data90) && isFinite(data90))) {
                const err175 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/from',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err175];
                } else {
                  vErrors.push(err175);
                }
                errors++;
              }
              if (typeof data90 == 'number' && isFinite(data90)) {
                if (data90 < 0 || isNaN(data90)) {
                  const err176 = {
                    instancePath: instancePath + '/transfers/' + i20 + '/from',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err176];
                  } else {
                    vErrors.push(err176);
                  }
                  errors++;
                }
              }
            }
            if (data84.to !== undefined) {
              let data91 = data84.to;
              if (!(typeof data91 == 'number' && !(data91 % 1) && !isNaN(data91) && isFinite(data91))) {
                const err177 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/to',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err177];
                } else {
                  vErrors.push(err177);
                }
                errors++;
              }
              if (typeof data91 == 'number' && isFinite(data91)) {
                if (data91 < 0 || isNaN(data91)) {
                  const err178 = {
                    instancePath: instancePath + '/transfers/' + i20 + '/to',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err178];
                  } else {
                    vErrors.push(err178);
                  }
                  errors++;
                }
              }
            }
            if (data84.copy !== undefined) {
              let data92 = data84.copy;
              if (!(data92 === 'none' || data92 === 'device-to-host' || data92 === 'host-to-device')) {
                const err179 = {
                  instancePath: instancePath + '/transfers/' + i20 + '/copy',
                  schemaPath: '#/properties/transfers/items/properties/copy/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.transfers.items.properties.copy.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err179];
                } else {
                  vErrors.push(err179);
                }
                errors++;
              }
            }
          } else {
            const err180 = {
              instancePath: instancePath + '/transfers/' + i20,
              schemaPath: '#/properties/transfers/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err180];
            } else {
              vErrors.push(err180);
            }
            errors++;
          }
        }
      } else {
        const err181 = {
          instancePath: instancePath + '/transfers',
          schemaPath: '#/properties/transfers/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err181];
        } else {
          vErrors.push(err181);
        }
        errors++;
      }
    }
    if (data.values !== undefined) {
      let data93 = data.values;
      if (data93 && typeof data93 == 'object' && !Array.isArray(data93)) {
        for (const key14 in data93) {
          let data94 = data93[key14];
          if (data94 && typeof data94 == 'object' && !Array.isArray(data94)) {
            for (const key15 in data94) {
              if (!(key15 === 'dtype' || key15 === 'shape' || key15 === 'initializer')) {
                const err182 = {
                  instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1'),
                  schemaPath: '#/properties/values/additionalProperties/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key15 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err182];
                } else {
                  vErrors.push(err182);
                }
                errors++;
              }
            }
            if (data94.dtype !== undefined) {
              if (typeof data94.dtype !== 'string') {
                const err183 = {
                  instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1') + '/dtype',
                  schemaPath: '#/properties/values/additionalProperties/properties/dtype/type',
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
            if (data94.shape !== undefined) {
              let data96 = data94.shape;
              if (Array.isArray(data96)) {
                const len22 = data96.length;
                for (let i22 = 0; i22 < len22; i22++) {
                  let data97 = data96[i22];
                  if (!(typeof data97 == 'number' && !(data97 % 1) && !isNaN(data97) && isFinite(data97)) && typeof data97 !== 'string') {
                    const err184 = {
                      instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1') + '/shape/' + i22,
                      schemaPath: '#/definitions/shape/items/type',
                      keyword: 'type',
                      params: { type: schema13.items.type },
                      message: 'must be integer,string',
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
                  instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1') + '/shape',
                  schemaPath: '#/definitions/shape/type',
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
            if (data94.initializer !== undefined) {
              if (true !== data94.initializer) {
                const err186 = {
                  instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1') + '/initializer',
                  schemaPath: '#/properties/values/additionalProperties/properties/initializer/const',
                  keyword: 'const',
                  params: { allowedValue: true },
                  message: 'must be equal to constant',
                };
                if (vErrors === null) {
                  vErrors = [err186];
                } else {
                  vErrors.push(err186);
                }
                errors++;
              }
            }
          } else {
            const err187 = {
              instancePath: instancePath + '/values/' + key14.replace(/~/g, '~0').replace(/\//g, '~1'),
              schemaPath: '#/properties/values/additionalProperties/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err187];
            } else {
              vErrors.push(err187);
            }
            errors++;
          }
        }
      } else {
        const err188 = {
          instancePath: instancePath + '/values',
          schemaPath: '#/properties/values/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err188];
        } else {
          vErrors.push(err188);
        }
        errors++;
      }
    }
    if (data.recommendations !== undefined) {
      let data99 = data.recommendations;
      if (Array.isArray(data99)) {
        const len23 = data99.length;
        for (let i23 = 0; i23 < len23; i23++) {
          let data100 = data99[i23];
          if (data100 && typeof data100 == 'object' && !Array.isArray(data100)) {
            if (data100.kind === undefined) {
              const err189 = {
                instancePath: instancePath + '/recommendations/' + i23,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'kind' },
                message: "must have required property '" + 'kind' + "'",
              };
              if (vErrors === null) {
                vErrors = [err189];
              } else {
                vErrors.push(err189);
              }
              errors++;
            }
            if (data100.message === undefined) {
              const err190 = {
                instancePath: instancePath + '/recommendations/' + i23,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'message' },
                message: "must have required property '" + 'message' + "'",
              };
              if (vErrors === null) {
                vErrors = [err190];
              } else {
                vErrors.push(err190);
              }
              errors++;
            }
            if (data100.merges === undefined) {
              const err191 = {
                instancePath: instancePath + '/recommendations/' + i23,
                schemaPath: '#/properties/recommendations/items/required',
                keyword: 'required',
                params: { missingProperty: 'merges' },
                message: "must have required property '" + 'merges' + "'",
              };
              if (vErrors === null) {
                vErrors = [err191];
              } else {
                vErrors.push(err191);
              }
              errors++;
            }
            for (const key16 in data100) {
              if (!func2.call(schema11.properties.recommendations.items.properties, key16)) {
                const err192 = {
                  instancePath: instancePath + '/recommendations/' + i23,
                  schemaPath: '#/properties/recommendations/items/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key16 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err192];
                } else {
                  vErrors.push(err192);
                }
                errors++;
              }
            }
            if (data100.kind !== undefined) {
              let data101 = data100.kind;
              if (!(data101 === 'converter' || data101 === 'forcedFallback' || data101 === 'minBlockSize' || data101 === 'inputShapes')) {
                const err193 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/kind',
                  schemaPath: '#/properties/recommendations/items/properties/kind/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.recommendations.items.properties.kind.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err193];
                } else {
                  vErrors.push(err193);
                }
                errors++;
              }
            }
            if (data100.message !== undefined) {
              if (typeof data100.message !== 'string') {
                const err194 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/message',
                  schemaPath: '#/properties/recommendations/items/properties/message/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err194];
                } else {
                  vErrors.push(err194);
                }
                errors++;
              }
            }
            if (data100.opType !== undefined) {
              if (typeof data100.opType !== 'string') {
                const err195 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/opType',
                  schemaPath: '#/properties/recommendations/items/properties/opType/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err195];
                } else {
                  vErrors.push(err195);
                }
                errors++;
              }
            }
            if (data100.domain !== undefined) {
              if (typeof data100.domain !== 'string') {
                const err196 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/domain',
                  schemaPath: '#/properties/recommendations/items/properties/domain/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err196];
                } else {
                  vErrors.push(err196);
                }
                errors++;
              }
            }
            if (data100.nodes !== undefined) {
              let data105 = data100.nodes;
              if (Array.isArray(data105)) {
                const len24 = data105.length;
                for (let i24 = 0; i24 < len24; i24++) {
                  if (typeof data105[i24] !== 'string') {
                    const err197 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/nodes/' + i24,
                      schemaPath: '#/definitions/strings/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err197];
                    } else {
                      vErrors.push(err197);
                    }
                    errors++;
                  }
                }
              } else {
                const err198 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/nodes',
                  schemaPath: '#/definitions/strings/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err198];
                } else {
                  vErrors.push(err198);
                }
                errors++;
              }
            }
            if (data100.minBlockSize !== undefined) {
              let data107 = data100.minBlockSize;
              if (!(typeof data107 == 'number' && !(data107 % 1) && !isNaN(data107) && isFinite(data107))) {
                const err199 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/minBlockSize',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err199];
                } else {
                  vErrors.push(err199);
                }
                errors++;
              }
              if (typeof data107 == 'number' && isFinite(data107)) {
                if (data107 < 0 || isNaN(data107)) {
                  const err200 = {
                    instancePath: instancePath + '/recommendations/' + i23 + '/minBlockSize',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err200];
                  } else {
                    vErrors.push(err200);
                  }
                  errors++;
                }
              }
            }
            if (data100.option !== undefined) {
              let data108 = data100.option;
              if (!(data108 === 'fallbackOps' || data108 === 'fallbackNodes')) {
                const err201 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/option',
                  schemaPath: '#/properties/recommendations/items/properties/option/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.recommendations.items.properties.option.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err201];
                } else {
                  vErrors.push(err201);
                }
                errors++;
              }
            }
            if (data100.entry !== undefined) {
              if (typeof data100.entry !== 'string') {
                const err202 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/entry',
                  schemaPath: '#/properties/recommendations/items/properties/entry/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string',
                };
                if (vErrors === null) {
                  vErrors = [err202];
                } else {
                  vErrors.push(err202);
                }
                errors++;
              }
            }
            if (data100.merges !== undefined) {
              let data110 = data100.merges;
              if (Array.isArray(data110)) {
                const len25 = data110.length;
                for (let i25 = 0; i25 < len25; i25++) {
                  let data111 = data110[i25];
                  if (Array.isArray(data111)) {
                    if (data111.length < 2) {
                      const err203 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/merges/' + i25,
                        schemaPath: '#/properties/recommendations/items/properties/merges/items/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err203];
                      } else {
                        vErrors.push(err203);
                      }
                      errors++;
                    }
                    const len26 = data111.length;
                    for (let i26 = 0; i26 < len26; i26++) {
                      let data112 = data111[i26];
                      if (!(typeof data112 == 'number' && !(data112 % 1) && !isNaN(data112) && isFinite(data112))) {
                        const err204 = {
                          instancePath: instancePath + '/recommendations/' + i23 + '/merges/' + i25 + '/' + i26,
                          schemaPath: '#/definitions/count/type',
                          keyword: 'type',
                          params: { type: 'integer' },
                          message: 'must be integer',
                        };
                        if (vErrors === null) {
                          vErrors = [err204];
                        } else {
                          vErrors.push(err204);
                        }
                        errors++;
                      }
                      if (typeof data112 == 'number' && isFinite(data112)) {
                        if (data112 < 0 || isNaN(data112)) {
                          const err205 = {
                            instancePath: instancePath + '/recommendations/' + i23 + '/merges/' + i25 + '/' + i26,
                            schemaPath: '#/definitions/count/minimum',
                            keyword: 'minimum',
                            params: { comparison: '>=', limit: 0 },
                            message: 'must be >= 0',
                          };
                          if (vErrors === null) {
                            vErrors = [err205];
                          } else {
                            vErrors.push(err205);
                          }
                          errors++;
                        }
                      }
                    }
                  } else {
                    const err206 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/merges/' + i25,
                      schemaPath: '#/properties/recommendations/items/properties/merges/items/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
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
                  instancePath: instancePath + '/recommendations/' + i23 + '/merges',
                  schemaPath: '#/properties/recommendations/items/properties/merges/type',
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
            if (data100.effect !== undefined) {
              let data113 = data100.effect;
              if (data113 && typeof data113 == 'object' && !Array.isArray(data113)) {
                if (data113.segments === undefined) {
                  const err208 = {
                    instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'segments' },
                    message: "must have required property '" + 'segments' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err208];
                  } else {
                    vErrors.push(err208);
                  }
                  errors++;
                }
                if (data113.engineNodes === undefined) {
                  const err209 = {
                    instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'engineNodes' },
                    message: "must have required property '" + 'engineNodes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err209];
                  } else {
                    vErrors.push(err209);
                  }
                  errors++;
                }
                if (data113.boundaryTransfers === undefined) {
                  const err210 = {
                    instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'boundaryTransfers' },
                    message: "must have required property '" + 'boundaryTransfers' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err210];
                  } else {
                    vErrors.push(err210);
                  }
                  errors++;
                }
                if (data113.boundaryBytes === undefined) {
                  const err211 = {
                    instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                    schemaPath: '#/properties/recommendations/items/properties/effect/required',
                    keyword: 'required',
                    params: { missingProperty: 'boundaryBytes' },
                    message: "must have required property '" + 'boundaryBytes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err211];
                  } else {
                    vErrors.push(err211);
                  }
                  errors++;
                }
                for (const key17 in data113) {
                  if (!(key17 === 'segments' || key17 === 'engineNodes' || key17 === 'boundaryTransfers' || key17 === 'boundaryBytes')) {
                    const err212 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                      schemaPath: '#/properties/recommendations/items/properties/effect/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key17 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err212];
                    } else {
                      vErrors.push(err212);
                    }
                    errors++;
                  }
                }
                if (data113.segments !== undefined) {
                  let data114 = data113.segments;
                  if (Array.isArray(data114)) {
                    if (data114.length > 2) {
                      const err213 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/segments',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err213];
                      } else {
                        vErrors.push(err213);
                      }
                      errors++;
                    }
                    if (data114.length < 2) {
                      const err214 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/segments',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err214];
                      } else {
                        vErrors.push(err214);
                      }
                      errors++;
                    }
                    const len27 = data114.length;
                    for (let i27 = 0; i27 < len27; i27++) {
                      let data115 = data114[i27];
                      if (!(typeof data115 == 'number' && isFinite(data115))) {
                        const err215 = {
                          instancePath: instancePath + '/recommendations/' + i23 + '/effect/segments/' + i27,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
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
                      instancePath: instancePath + '/recommendations/' + i23 + '/effect/segments',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err216];
                    } else {
                      vErrors.push(err216);
                    }
                    errors++;
                  }
                }
                if (data113.engineNodes !== undefined) {
                  let data116 = data113.engineNodes;
                  if (Array.isArray(data116)) {
                    if (data116.length > 2) {
                      const err217 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/engineNodes',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err217];
                      } else {
                        vErrors.push(err217);
                      }
                      errors++;
                    }
                    if (data116.length < 2) {
                      const err218 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/engineNodes',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err218];
                      } else {
                        vErrors.push(err218);
                      }
                      errors++;
                    }
                    const len28 = data116.length;
                    for (let i28 = 0; i28 < len28; i28++) {
                      let data117 = data116[i28];
                      if (!(typeof data117 == 'number' && isFinite(data117))) {
                        const err219 = {
                          instancePath: instancePath + '/recommendations/' + i23 + '/effect/engineNodes/' + i28,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err219];
                        } else {
                          vErrors.push(err219);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err220 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/effect/engineNodes',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err220];
                    } else {
                      vErrors.push(err220);
                    }
                    errors++;
                  }
                }
                if (data113.boundaryTransfers !== undefined) {
                  let data118 = data113.boundaryTransfers;
                  if (Array.isArray(data118)) {
                    if (data118.length > 2) {
                      const err221 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryTransfers',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err221];
                      } else {
                        vErrors.push(err221);
                      }
                      errors++;
                    }
                    if (data118.length < 2) {
                      const err222 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryTransfers',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err222];
                      } else {
                        vErrors.push(err222);
                      }
                      errors++;
                    }
                    const len29 = data118.length;
                    for (let i29 = 0; i29 < len29; i29++) {
                      let data119 = data118[i29];
                      if (!(typeof data119 == 'number' && isFinite(data119))) {
                        const err223 = {
                          instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryTransfers/' + i29,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err223];
                        } else {
                          vErrors.push(err223);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err224 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryTransfers',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err224];
                    } else {
                      vErrors.push(err224);
                    }
                    errors++;
                  }
                }
                if (data113.boundaryBytes !== undefined) {
                  let data120 = data113.boundaryBytes;
                  if (Array.isArray(data120)) {
                    if (data120.length > 2) {
                      const err225 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryBytes',
                        schemaPath: '#/definitions/pair/maxItems',
                        keyword: 'maxItems',
                        params: { limit: 2 },
                        message: 'must NOT have more than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err225];
                      } else {
                        vErrors.push(err225);
                      }
                      errors++;
                    }
                    if (data120.length < 2) {
                      const err226 = {
                        instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryBytes',
                        schemaPath: '#/definitions/pair/minItems',
                        keyword: 'minItems',
                        params: { limit: 2 },
                        message: 'must NOT have fewer than 2 items',
                      };
                      if (vErrors === null) {
                        vErrors = [err226];
                      } else {
                        vErrors.push(err226);
                      }
                      errors++;
                    }
                    const len30 = data120.length;
                    for (let i30 = 0; i30 < len30; i30++) {
                      let data121 = data120[i30];
                      if (!(typeof data121 == 'number' && isFinite(data121))) {
                        const err227 = {
                          instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryBytes/' + i30,
                          schemaPath: '#/definitions/pair/items/type',
                          keyword: 'type',
                          params: { type: 'number' },
                          message: 'must be number',
                        };
                        if (vErrors === null) {
                          vErrors = [err227];
                        } else {
                          vErrors.push(err227);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err228 = {
                      instancePath: instancePath + '/recommendations/' + i23 + '/effect/boundaryBytes',
                      schemaPath: '#/definitions/pair/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err228];
                    } else {
                      vErrors.push(err228);
                    }
                    errors++;
                  }
                }
              } else {
                const err229 = {
                  instancePath: instancePath + '/recommendations/' + i23 + '/effect',
                  schemaPath: '#/properties/recommendations/items/properties/effect/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err229];
                } else {
                  vErrors.push(err229);
                }
                errors++;
              }
            }
          } else {
            const err230 = {
              instancePath: instancePath + '/recommendations/' + i23,
              schemaPath: '#/properties/recommendations/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err230];
            } else {
              vErrors.push(err230);
            }
            errors++;
          }
        }
      } else {
        const err231 = {
          instancePath: instancePath + '/recommendations',
          schemaPath: '#/properties/recommendations/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err231];
        } else {
          vErrors.push(err231);
        }
        errors++;
      }
    }
    if (data.lowering !== undefined) {
      let data122 = data.lowering;
      if (data122 && typeof data122 == 'object' && !Array.isArray(data122)) {
        if (data122.nodesBefore === undefined) {
          const err232 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'nodesBefore' },
            message: "must have required property '" + 'nodesBefore' + "'",
          };
          if (vErrors === null) {
            vErrors = [err232];
          } else {
            vErrors.push(err232);
          }
          errors++;
        }
        if (data122.nodesAfter === undefined) {
          const err233 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'nodesAfter' },
            message: "must have required property '" + 'nodesAfter' + "'",
          };
          if (vErrors === null) {
            vErrors = [err233];
          } else {
            vErrors.push(err233);
          }
          errors++;
        }
        if (data122.passes === undefined) {
          const err234 = {
            instancePath: instancePath + '/lowering',
            schemaPath: '#/properties/lowering/required',
            keyword: 'required',
            params: { missingProperty: 'passes' },
            message: "must have required property '" + 'passes' + "'",
          };
          if (vErrors === null) {
            vErrors = [err234];
          } else {
            vErrors.push(err234);
          }
          errors++;
        }
        for (const key18 in data122) {
          if (!(key18 === 'nodesBefore' || key18 === 'nodesAfter' || key18 === 'passes')) {
            const err235 = {
              instancePath: instancePath + '/lowering',
              schemaPath: '#/properties/lowering/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key18 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err235];
            } else {
              vErrors.push(err235);
            }
            errors++;
          }
        }
        if (data122.nodesBefore !== undefined) {
          let data123 = data122.nodesBefore;
          if (!(typeof data123 == 'number' && !(data123 % 1) && !isNaN(data123) && isFinite(data123))) {
            const err236 = {
              instancePath: instancePath + '/lowering/nodesBefore',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err236];
            } else {
              vErrors.push(err236);
            }
            errors++;
          }
          if (typeof data123 == 'number' && isFinite(data123)) {
            if (data123 < 0 || isNaN(data123)) {
              const err237 = {
                instancePath: instancePath + '/lowering/nodesBefore',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err237];
              } else {
                vErrors.push(err237);
              }
              errors++;
            }
          }
        }
        if (data122.nodesAfter !== undefined) {
          let data124 = data122.nodesAfter;
          if (!(typeof data124 == 'number' && !(data124 % 1) && !isNaN(data124) && isFinite(data124))) {
            const err238 = {
              instancePath: instancePath + '/lowering/nodesAfter',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err238];
            } else {
              vErrors.push(err238);
            }
            errors++;
          }
          if (typeof data124 == 'number' && isFinite(data124)) {
            if (data124 < 0 || isNaN(data124)) {
              const err239 = {
                instancePath: instancePath + '/lowering/nodesAfter',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err239];
              } else {
                vErrors.push(err239);
              }
              errors++;
            }
          }
        }
        if (data122.passes !== undefined) {
          let data125 = data122.passes;
          if (Array.isArray(data125)) {
            const len31 = data125.length;
            for (let i31 = 0; i31 < len31; i31++) {
              let data126 = data125[i31];
              if (data126 && typeof data126 == 'object' && !Array.isArray(data126)) {
                if (data126.name === undefined) {
                  const err240 = {
                    instancePath: instancePath + '/lowering/passes/' + i31,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'name' },
                    message: "must have required property '" + 'name' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err240];
                  } else {
                    vErrors.push(err240);
                  }
                  errors++;
                }
                if (data126.changed === undefined) {
                  const err241 = {
                    instancePath: instancePath + '/lowering/passes/' + i31,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'changed' },
                    message: "must have required property '" + 'changed' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err241];
                  } else {
                    vErrors.push(err241);
                  }
                  errors++;
                }
                if (data126.counts === undefined) {
                  const err242 = {
                    instancePath: instancePath + '/lowering/passes/' + i31,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'counts' },
                    message: "must have required property '" + 'counts' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err242];
                  } else {
                    vErrors.push(err242);
                  }
                  errors++;
                }
                if (data126.notes === undefined) {
                  const err243 = {
                    instancePath: instancePath + '/lowering/passes/' + i31,
                    schemaPath: '#/properties/lowering/properties/passes/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'notes' },
                    message: "must have required property '" + 'notes' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err243];
                  } else {
                    vErrors.push(err243);
                  }
                  errors++;
                }
                for (const key19 in data126) {
                  if (!(key19 === 'name' || key19 === 'changed' || key19 === 'counts' || key19 === 'notes')) {
                    const err244 = {
                      instancePath: instancePath + '/lowering/passes/' + i31,
                      schemaPath: '#/properties/lowering/properties/passes/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key19 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err244];
                    } else {
                      vErrors.push(err244);
                    }
                    errors++;
                  }
                }
                if (data126.name !== undefined) {
                  if (typeof data126.name !== 'string') {
                    const err245 = {
                      instancePath: instancePath + '/lowering/passes/' + i31 + '/name',
                      schemaPath: '#/properties/lowering/properties/passes/items/properties/name/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err245];
                    } else {
                      vErrors.push(err245);
                    }
                    errors++;
                  }
                }
                if (data126.changed !== undefined) {
                  let data128 = data126.changed;
                  if (!(typeof data128 == 'number' && !(data128 % 1) && !isNaN(data128) && isFinite(data128))) {
                    const err246 = {
                      instancePath: instancePath + '/lowering/passes/' + i31 + '/changed',
                      schemaPath: '#/definitions/count/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err246];
                    } else {
                      vErrors.push(err246);
                    }
                    errors++;
                  }
                  if (typeof data128 == 'number' && isFinite(data128)) {
                    if (data128 < 0 || isNaN(data128)) {
                      const err247 = {
                        instancePath: instancePath + '/lowering/passes/' + i31 + '/changed',
                        schemaPath: '#/definitions/count/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 0 },
                        message: 'must be >= 0',
                      };
                      if (vErrors === null) {
                        vErrors = [err247];
                      } else {
                        vErrors.push(err247);
                      }
                      errors++;
                    }
                  }
                }
                if (data126.counts !== undefined) {
                  let data129 = data126.counts;
                  if (data129 && typeof data129 == 'object' && !Array.isArray(data129)) {
                    for (const key20 in data129) {
                      let data130 = data129[key20];
                      if (!(typeof data130 == 'number' && !(data130 % 1) && !isNaN(data130) && isFinite(data130))) {
                        const err248 = {
                          instancePath: instancePath + '/lowering/passes/' + i31 + '/counts/' + key20.replace(/~/g, '~0').replace(/\//g, '~1'),
                          schemaPath: '#/properties/lowering/properties/passes/items/properties/counts/additionalProperties/type',
                          keyword: 'type',
                          params: { type: 'integer' },
                          message: 'must be integer',
                        };
                        if (vErrors === null) {
                          vErrors = [err248];
                        } else {
                          vErrors.push(err248);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err249 = {
                      instancePath: instancePath + '/lowering/passes/' + i31 + '/counts',
                      schemaPath: '#/properties/lowering/properties/passes/items/properties/counts/type',
                      keyword: 'type',
                      params: { type: 'object' },
                      message: 'must be object',
                    };
                    if (vErrors === null) {
                      vErrors = [err249];
                    } else {
                      vErrors.push(err249);
                    }
                    errors++;
                  }
                }
                if (data126.notes !== undefined) {
                  let data131 = data126.notes;
                  if (Array.isArray(data131)) {
                    const len32 = data131.length;
                    for (let i32 = 0; i32 < len32; i32++) {
                      if (typeof data131[i32] !== 'string') {
                        const err250 = {
                          instancePath: instancePath + '/lowering/passes/' + i31 + '/notes/' + i32,
                          schemaPath: '#/definitions/strings/items/type',
                          keyword: 'type',
                          params: { type: 'string' },
                          message: 'must be string',
                        };
                        if (vErrors === null) {
                          vErrors = [err250];
                        } else {
                          vErrors.push(err250);
                        }
                        errors++;
                      }
                    }
                  } else {
                    const err251 = {
                      instancePath: instancePath + '/lowering/passes/' + i31 + '/notes',
                      schemaPath: '#/definitions/strings/type',
                      keyword: 'type',
                      params: { type: 'array' },
                      message: 'must be array',
                    };
                    if (vErrors === null) {
                      vErrors = [err251];
                    } else {
                      vErrors.push(err251);
                    }
                    errors++;
                  }
                }
              } else {
                const err252 = {
                  instancePath: instancePath + '/lowering/passes/' + i31,
                  schemaPath: '#/properties/lowering/properties/passes/items/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err252];
                } else {
                  vErrors.push(err252);
                }
                errors++;
              }
            }
          } else {
            const err253 = {
              instancePath: instancePath + '/lowering/passes',
              schemaPath: '#/properties/lowering/properties/passes/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err253];
            } else {
              vErrors.push(err253);
            }
            errors++;
          }
        }
      } else {
        const err254 = {
          instancePath: instancePath + '/lowering',
          schemaPath: '#/properties/lowering/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err254];
        } else {
          vErrors.push(err254);
        }
        errors++;
      }
    }
    if (data.warnings !== undefined) {
      let data133 = data.warnings;
      if (Array.isArray(data133)) {
        const len33 = data133.length;
        for (let i33 = 0; i33 < len33; i33++) {
          if (typeof data133[i33] !== 'string') {
            const err255 = {
              instancePath: instancePath + '/warnings/' + i33,
              schemaPath: '#/definitions/strings/items/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string',
            };
            if (vErrors === null) {
              vErrors = [err255];
            } else {
              vErrors.push(err255);
            }
            errors++;
          }
        }
      } else {
        const err256 = {
          instancePath: instancePath + '/warnings',
          schemaPath: '#/definitions/strings/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array',
        };
        if (vErrors === null) {
          vErrors = [err256];
        } else {
          vErrors.push(err256);
        }
        errors++;
      }
    }
    if (data.int8 !== undefined) {
      let data135 = data.int8;
      if (data135 && typeof data135 == 'object' && !Array.isArray(data135)) {
        if (data135.requested === undefined) {
          const err257 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'requested' },
            message: "must have required property '" + 'requested' + "'",
          };
          if (vErrors === null) {
            vErrors = [err257];
          } else {
            vErrors.push(err257);
          }
          errors++;
        }
        if (data135.quantizable === undefined) {
          const err258 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'quantizable' },
            message: "must have required property '" + 'quantizable' + "'",
          };
          if (vErrors === null) {
            vErrors = [err258];
          } else {
            vErrors.push(err258);
          }
          errors++;
        }
        if (data135.int8 === undefined) {
          const err259 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'int8' },
            message: "must have required property '" + 'int8' + "'",
          };
          if (vErrors === null) {
            vErrors = [err259];
          } else {
            vErrors.push(err259);
          }
          errors++;
        }
        if (data135.kept === undefined) {
          const err260 = {
            instancePath: instancePath + '/int8',
            schemaPath: '#/properties/int8/required',
            keyword: 'required',
            params: { missingProperty: 'kept' },
            message: "must have required property '" + 'kept' + "'",
          };
          if (vErrors === null) {
            vErrors = [err260];
          } else {
            vErrors.push(err260);
          }
          errors++;
        }
        for (const key21 in data135) {
          if (!(
            key21 === 'requested' ||
            key21 === 'quantizable' ||
            key21 === 'int8' ||
            key21 === 'kept' ||
            key21 === 'sensitivity' ||
            key21 === 'policy'
          )) {
            const err261 = {
              instancePath: instancePath + '/int8',
              schemaPath: '#/properties/int8/additionalProperties',
              keyword: 'additionalProperties',
              params: { additionalProperty: key21 },
              message: 'must NOT have additional properties',
            };
            if (vErrors === null) {
              vErrors = [err261];
            } else {
              vErrors.push(err261);
            }
            errors++;
          }
        }
        if (data135.requested !== undefined) {
          if (typeof data135.requested !== 'boolean') {
            const err262 = {
              instancePath: instancePath + '/int8/requested',
              schemaPath: '#/properties/int8/properties/requested/type',
              keyword: 'type',
              params: { type: 'boolean' },
              message: 'must be boolean',
            };
            if (vErrors === null) {
              vErrors = [err262];
            } else {
              vErrors.push(err262);
            }
            errors++;
          }
        }
        if (data135.quantizable !== undefined) {
          let data137 = data135.quantizable;
          if (!(typeof data137 == 'number' && !(data137 % 1) && !isNaN(data137) && isFinite(data137))) {
            const err263 = {
              instancePath: instancePath + '/int8/quantizable',
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
          if (typeof data137 == 'number' && isFinite(data137)) {
            if (data137 < 0 || isNaN(data137)) {
              const err264 = {
                instancePath: instancePath + '/int8/quantizable',
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
        if (data135.int8 !== undefined) {
          let data138 = data135.int8;
          if (!(typeof data138 == 'number' && !(data138 % 1) && !isNaN(data138) && isFinite(data138))) {
            const err265 = {
              instancePath: instancePath + '/int8/int8',
              schemaPath: '#/definitions/count/type',
              keyword: 'type',
              params: { type: 'integer' },
              message: 'must be integer',
            };
            if (vErrors === null) {
              vErrors = [err265];
            } else {
              vErrors.push(err265);
            }
            errors++;
          }
          if (typeof data138 == 'number' && isFinite(data138)) {
            if (data138 < 0 || isNaN(data138)) {
              const err266 = {
                instancePath: instancePath + '/int8/int8',
                schemaPath: '#/definitions/count/minimum',
                keyword: 'minimum',
                params: { comparison: '>=', limit: 0 },
                message: 'must be >= 0',
              };
              if (vErrors === null) {
                vErrors = [err266];
              } else {
                vErrors.push(err266);
              }
              errors++;
            }
          }
        }
        if (data135.kept !== undefined) {
          let data139 = data135.kept;
          if (Array.isArray(data139)) {
            const len34 = data139.length;
            for (let i34 = 0; i34 < len34; i34++) {
              let data140 = data139[i34];
              if (data140 && typeof data140 == 'object' && !Array.isArray(data140)) {
                if (data140.node === undefined) {
                  const err267 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'node' },
                    message: "must have required property '" + 'node' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err267];
                  } else {
                    vErrors.push(err267);
                  }
                  errors++;
                }
                if (data140.opType === undefined) {
                  const err268 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'opType' },
                    message: "must have required property '" + 'opType' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err268];
                  } else {
                    vErrors.push(err268);
                  }
                  errors++;
                }
                if (data140.segment === undefined) {
                  const err269 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'segment' },
                    message: "must have required property '" + 'segment' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err269];
                  } else {
                    vErrors.push(err269);
                  }
                  errors++;
                }
                if (data140.precision === undefined) {
                  const err270 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'precision' },
                    message: "must have required property '" + 'precision' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err270];
                  } else {
                    vErrors.push(err270);
                  }
                  errors++;
                }
                if (data140.kind === undefined) {
                  const err271 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'kind' },
                    message: "must have required property '" + 'kind' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err271];
                  } else {
                    vErrors.push(err271);
                  }
                  errors++;
                }
                if (data140.reason === undefined) {
                  const err272 = {
                    instancePath: instancePath + '/int8/kept/' + i34,
                    schemaPath: '#/properties/int8/properties/kept/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'reason' },
                    message: "must have required property '" + 'reason' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err272];
                  } else {
                    vErrors.push(err272);
                  }
                  errors++;
                }
                for (const key22 in data140) {
                  if (!(
                    key22 === 'node' ||
                    key22 === 'opType' ||
                    key22 === 'segment' ||
                    key22 === 'layer' ||
                    key22 === 'precision' ||
                    key22 === 'kind' ||
                    key22 === 'reason'
                  )) {
                    const err273 = {
                      instancePath: instancePath + '/int8/kept/' + i34,
                      schemaPath: '#/properties/int8/properties/kept/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key22 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err273];
                    } else {
                      vErrors.push(err273);
                    }
                    errors++;
                  }
                }
                if (data140.node !== undefined) {
                  if (typeof data140.node !== 'string') {
                    const err274 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/node',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/node/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err274];
                    } else {
                      vErrors.push(err274);
                    }
                    errors++;
                  }
                }
                if (data140.opType !== undefined) {
                  if (typeof data140.opType !== 'string') {
                    const err275 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/opType',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/opType/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err275];
                    } else {
                      vErrors.push(err275);
                    }
                    errors++;
                  }
                }
                if (data140.segment !== undefined) {
                  let data143 = data140.segment;
                  if (!(typeof data143 == 'number' && !(data143 % 1) && !isNaN(data143) && isFinite(data143))) {
                    const err276 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/segment',
                      schemaPath: '#/definitions/count/type',
                      keyword: 'type',
                      params: { type: 'integer' },
                      message: 'must be integer',
                    };
                    if (vErrors === null) {
                      vErrors = [err276];
                    } else {
                      vErrors.push(err276);
                    }
                    errors++;
                  }
                  if (typeof data143 == 'number' && isFinite(data143)) {
                    if (data143 < 0 || isNaN(data143)) {
                      const err277 = {
                        instancePath: instancePath + '/int8/kept/' + i34 + '/segment',
                        schemaPath: '#/definitions/count/minimum',
                        keyword: 'minimum',
                        params: { comparison: '>=', limit: 0 },
                        message: 'must be >= 0',
                      };
                      if (vErrors === null) {
                        vErrors = [err277];
                      } else {
                        vErrors.push(err277);
                      }
                      errors++;
                    }
                  }
                }
                if (data140.layer !== undefined) {
                  if (typeof data140.layer !== 'string') {
                    const err278 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/layer',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/layer/type',
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
                if (data140.precision !== undefined) {
                  if (typeof data140.precision !== 'string') {
                    const err279 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/precision',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/precision/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err279];
                    } else {
                      vErrors.push(err279);
                    }
                    errors++;
                  }
                }
                if (data140.kind !== undefined) {
                  let data146 = data140.kind;
                  if (!(
                    data146 === 'backend' ||
                    data146 === 'fallback' ||
                    data146 === 'not-quantized' ||
                    data146 === 'qdq-pass' ||
                    data146 === 'policy' ||
                    data146 === 'sensitivity'
                  )) {
                    const err280 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/kind',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/kind/enum',
                      keyword: 'enum',
                      params: { allowedValues: schema11.properties.int8.properties.kept.items.properties.kind.enum },
                      message: 'must be equal to one of the allowed values',
                    };
                    if (vErrors === null) {
                      vErrors = [err280];
                    } else {
                      vErrors.push(err280);
                    }
                    errors++;
                  }
                }
                if (data140.reason !== undefined) {
                  if (typeof data140.reason !== 'string') {
                    const err281 = {
                      instancePath: instancePath + '/int8/kept/' + i34 + '/reason',
                      schemaPath: '#/properties/int8/properties/kept/items/properties/reason/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
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
                  instancePath: instancePath + '/int8/kept/' + i34,
                  schemaPath: '#/properties/int8/properties/kept/items/type',
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
              instancePath: instancePath + '/int8/kept',
              schemaPath: '#/properties/int8/properties/kept/type',
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
        if (data135.sensitivity !== undefined) {
          let data148 = data135.sensitivity;
          if (Array.isArray(data148)) {
            const len35 = data148.length;
            for (let i35 = 0; i35 < len35; i35++) {
              let data149 = data148[i35];
              if (data149 && typeof data149 == 'object' && !Array.isArray(data149)) {
                if (data149.node === undefined) {
                  const err284 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i35,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'node' },
                    message: "must have required property '" + 'node' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err284];
                  } else {
                    vErrors.push(err284);
                  }
                  errors++;
                }
                if (data149.opType === undefined) {
                  const err285 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i35,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'opType' },
                    message: "must have required property '" + 'opType' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err285];
                  } else {
                    vErrors.push(err285);
                  }
                  errors++;
                }
                if (data149.cosine === undefined) {
                  const err286 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i35,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err286];
                  } else {
                    vErrors.push(err286);
                  }
                  errors++;
                }
                if (data149.maxAbsError === undefined) {
                  const err287 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i35,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err287];
                  } else {
                    vErrors.push(err287);
                  }
                  errors++;
                }
                if (data149.top1 === undefined) {
                  const err288 = {
                    instancePath: instancePath + '/int8/sensitivity/' + i35,
                    schemaPath: '#/properties/int8/properties/sensitivity/items/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err288];
                  } else {
                    vErrors.push(err288);
                  }
                  errors++;
                }
                for (const key23 in data149) {
                  if (!(key23 === 'node' || key23 === 'opType' || key23 === 'cosine' || key23 === 'maxAbsError' || key23 === 'top1')) {
                    const err289 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35,
                      schemaPath: '#/properties/int8/properties/sensitivity/items/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key23 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err289];
                    } else {
                      vErrors.push(err289);
                    }
                    errors++;
                  }
                }
                if (data149.node !== undefined) {
                  if (typeof data149.node !== 'string') {
                    const err290 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35 + '/node',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/node/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err290];
                    } else {
                      vErrors.push(err290);
                    }
                    errors++;
                  }
                }
                if (data149.opType !== undefined) {
                  if (typeof data149.opType !== 'string') {
                    const err291 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35 + '/opType',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/opType/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err291];
                    } else {
                      vErrors.push(err291);
                    }
                    errors++;
                  }
                }
                if (data149.cosine !== undefined) {
                  let data152 = data149.cosine;
                  if (!(typeof data152 == 'number' && isFinite(data152)) && data152 !== null) {
                    const err292 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35 + '/cosine',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err292];
                    } else {
                      vErrors.push(err292);
                    }
                    errors++;
                  }
                }
                if (data149.maxAbsError !== undefined) {
                  let data153 = data149.maxAbsError;
                  if (!(typeof data153 == 'number' && isFinite(data153)) && data153 !== null) {
                    const err293 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35 + '/maxAbsError',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.maxAbsError.type },
                      message: 'must be number,null',
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
                  let data154 = data149.top1;
                  if (!(typeof data154 == 'number' && isFinite(data154)) && data154 !== null) {
                    const err294 = {
                      instancePath: instancePath + '/int8/sensitivity/' + i35 + '/top1',
                      schemaPath: '#/properties/int8/properties/sensitivity/items/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.sensitivity.items.properties.top1.type },
                      message: 'must be number,null',
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
                  instancePath: instancePath + '/int8/sensitivity/' + i35,
                  schemaPath: '#/properties/int8/properties/sensitivity/items/type',
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
          } else {
            const err296 = {
              instancePath: instancePath + '/int8/sensitivity',
              schemaPath: '#/properties/int8/properties/sensitivity/type',
              keyword: 'type',
              params: { type: 'array' },
              message: 'must be array',
            };
            if (vErrors === null) {
              vErrors = [err296];
            } else {
              vErrors.push(err296);
            }
            errors++;
          }
        }
        if (data135.policy !== undefined) {
          let data155 = data135.policy;
          if (data155 && typeof data155 == 'object' && !Array.isArray(data155)) {
            if (data155.target === undefined) {
              const err297 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'target' },
                message: "must have required property '" + 'target' + "'",
              };
              if (vErrors === null) {
                vErrors = [err297];
              } else {
                vErrors.push(err297);
              }
              errors++;
            }
            if (data155.allInt8 === undefined) {
              const err298 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'allInt8' },
                message: "must have required property '" + 'allInt8' + "'",
              };
              if (vErrors === null) {
                vErrors = [err298];
              } else {
                vErrors.push(err298);
              }
              errors++;
            }
            if (data155.final === undefined) {
              const err299 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'final' },
                message: "must have required property '" + 'final' + "'",
              };
              if (vErrors === null) {
                vErrors = [err299];
              } else {
                vErrors.push(err299);
              }
              errors++;
            }
            if (data155.kept === undefined) {
              const err300 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'kept' },
                message: "must have required property '" + 'kept' + "'",
              };
              if (vErrors === null) {
                vErrors = [err300];
              } else {
                vErrors.push(err300);
              }
              errors++;
            }
            if (data155.outcome === undefined) {
              const err301 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'outcome' },
                message: "must have required property '" + 'outcome' + "'",
              };
              if (vErrors === null) {
                vErrors = [err301];
              } else {
                vErrors.push(err301);
              }
              errors++;
            }
            if (data155.evaluations === undefined) {
              const err302 = {
                instancePath: instancePath + '/int8/policy',
                schemaPath: '#/properties/int8/properties/policy/required',
                keyword: 'required',
                params: { missingProperty: 'evaluations' },
                message: "must have required property '" + 'evaluations' + "'",
              };
              if (vErrors === null) {
                vErrors = [err302];
              } else {
                vErrors.push(err302);
              }
              errors++;
            }
            for (const key24 in data155) {
              if (!(
                key24 === 'target' ||
                key24 === 'allInt8' ||
                key24 === 'final' ||
                key24 === 'kept' ||
                key24 === 'outcome' ||
                key24 === 'evaluations'
              )) {
                const err303 = {
                  instancePath: instancePath + '/int8/policy',
                  schemaPath: '#/properties/int8/properties/policy/additionalProperties',
                  keyword: 'additionalProperties',
                  params: { additionalProperty: key24 },
                  message: 'must NOT have additional properties',
                };
                if (vErrors === null) {
                  vErrors = [err303];
                } else {
                  vErrors.push(err303);
                }
                errors++;
              }
            }
            if (data155.target !== undefined) {
              let data156 = data155.target;
              if (data156 && typeof data156 == 'object' && !Array.isArray(data156)) {
                if (Object.keys(data156).length < 1) {
                  const err304 = {
                    instancePath: instancePath + '/int8/policy/target',
                    schemaPath: '#/properties/int8/properties/policy/properties/target/minProperties',
                    keyword: 'minProperties',
                    params: { limit: 1 },
                    message: 'must NOT have fewer than 1 properties',
                  };
                  if (vErrors === null) {
                    vErrors = [err304];
                  } else {
                    vErrors.push(err304);
                  }
                  errors++;
                }
                for (const key25 in data156) {
                  if (!(key25 === 'cosine' || key25 === 'top1')) {
                    const err305 = {
                      instancePath: instancePath + '/int8/policy/target',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key25 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err305];
                    } else {
                      vErrors.push(err305);
                    }
                    errors++;
                  }
                }
                if (data156.cosine !== undefined) {
                  let data157 = data156.cosine;
                  if (!(typeof data157 == 'number' && isFinite(data157))) {
                    const err306 = {
                      instancePath: instancePath + '/int8/policy/target/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/properties/cosine/type',
                      keyword: 'type',
                      params: { type: 'number' },
                      message: 'must be number',
                    };
                    if (vErrors === null) {
                      vErrors = [err306];
                    } else {
                      vErrors.push(err306);
                    }
                    errors++;
                  }
                }
                if (data156.top1 !== undefined) {
                  let data158 = data156.top1;
                  if (!(typeof data158 == 'number' && isFinite(data158))) {
                    const err307 = {
                      instancePath: instancePath + '/int8/policy/target/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/target/properties/top1/type',
                      keyword: 'type',
                      params: { type: 'number' },
                      message: 'must be number',
                    };
                    if (vErrors === null) {
                      vErrors = [err307];
                    } else {
                      vErrors.push(err307);
                    }
                    errors++;
                  }
                }
              } else {
                const err308 = {
                  instancePath: instancePath + '/int8/policy/target',
                  schemaPath: '#/properties/int8/properties/policy/properties/target/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err308];
                } else {
                  vErrors.push(err308);
                }
                errors++;
              }
            }
            if (data155.allInt8 !== undefined) {
              let data159 = data155.allInt8;
              if (data159 && typeof data159 == 'object' && !Array.isArray(data159)) {
                if (data159.cosine === undefined) {
                  const err309 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err309];
                  } else {
                    vErrors.push(err309);
                  }
                  errors++;
                }
                if (data159.maxAbsError === undefined) {
                  const err310 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err310];
                  } else {
                    vErrors.push(err310);
                  }
                  errors++;
                }
                if (data159.top1 === undefined) {
                  const err311 = {
                    instancePath: instancePath + '/int8/policy/allInt8',
                    schemaPath: '#/properties/int8/properties/policy/properties/allInt8/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err311];
                  } else {
                    vErrors.push(err311);
                  }
                  errors++;
                }
                for (const key26 in data159) {
                  if (!(key26 === 'cosine' || key26 === 'maxAbsError' || key26 === 'top1')) {
                    const err312 = {
                      instancePath: instancePath + '/int8/policy/allInt8',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key26 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err312];
                    } else {
                      vErrors.push(err312);
                    }
                    errors++;
                  }
                }
                if (data159.cosine !== undefined) {
                  let data160 = data159.cosine;
                  if (!(typeof data160 == 'number' && isFinite(data160)) && data160 !== null) {
                    const err313 = {
                      instancePath: instancePath + '/int8/policy/allInt8/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err313];
                    } else {
                      vErrors.push(err313);
                    }
                    errors++;
                  }
                }
                if (data159.maxAbsError !== undefined) {
                  let data161 = data159.maxAbsError;
                  if (!(typeof data161 == 'number' && isFinite(data161)) && data161 !== null) {
                    const err314 = {
                      instancePath: instancePath + '/int8/policy/allInt8/maxAbsError',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.maxAbsError.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err314];
                    } else {
                      vErrors.push(err314);
                    }
                    errors++;
                  }
                }
                if (data159.top1 !== undefined) {
                  let data162 = data159.top1;
                  if (!(typeof data162 == 'number' && isFinite(data162)) && data162 !== null) {
                    const err315 = {
                      instancePath: instancePath + '/int8/policy/allInt8/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/allInt8/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.allInt8.properties.top1.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err315];
                    } else {
                      vErrors.push(err315);
                    }
                    errors++;
                  }
                }
              } else {
                const err316 = {
                  instancePath: instancePath + '/int8/policy/allInt8',
                  schemaPath: '#/properties/int8/properties/policy/properties/allInt8/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err316];
                } else {
                  vErrors.push(err316);
                }
                errors++;
              }
            }
            if (data155.final !== undefined) {
              let data163 = data155.final;
              if (data163 && typeof data163 == 'object' && !Array.isArray(data163)) {
                if (data163.cosine === undefined) {
                  const err317 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'cosine' },
                    message: "must have required property '" + 'cosine' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err317];
                  } else {
                    vErrors.push(err317);
                  }
                  errors++;
                }
                if (data163.maxAbsError === undefined) {
                  const err318 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'maxAbsError' },
                    message: "must have required property '" + 'maxAbsError' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err318];
                  } else {
                    vErrors.push(err318);
                  }
                  errors++;
                }
                if (data163.top1 === undefined) {
                  const err319 = {
                    instancePath: instancePath + '/int8/policy/final',
                    schemaPath: '#/properties/int8/properties/policy/properties/final/required',
                    keyword: 'required',
                    params: { missingProperty: 'top1' },
                    message: "must have required property '" + 'top1' + "'",
                  };
                  if (vErrors === null) {
                    vErrors = [err319];
                  } else {
                    vErrors.push(err319);
                  }
                  errors++;
                }
                for (const key27 in data163) {
                  if (!(key27 === 'cosine' || key27 === 'maxAbsError' || key27 === 'top1')) {
                    const err320 = {
                      instancePath: instancePath + '/int8/policy/final',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/additionalProperties',
                      keyword: 'additionalProperties',
                      params: { additionalProperty: key27 },
                      message: 'must NOT have additional properties',
                    };
                    if (vErrors === null) {
                      vErrors = [err320];
                    } else {
                      vErrors.push(err320);
                    }
                    errors++;
                  }
                }
                if (data163.cosine !== undefined) {
                  let data164 = data163.cosine;
                  if (!(typeof data164 == 'number' && isFinite(data164)) && data164 !== null) {
                    const err321 = {
                      instancePath: instancePath + '/int8/policy/final/cosine',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/cosine/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.cosine.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err321];
                    } else {
                      vErrors.push(err321);
                    }
                    errors++;
                  }
                }
                if (data163.maxAbsError !== undefined) {
                  let data165 = data163.maxAbsError;
                  if (!(typeof data165 == 'number' && isFinite(data165)) && data165 !== null) {
                    const err322 = {
                      instancePath: instancePath + '/int8/policy/final/maxAbsError',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/maxAbsError/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.maxAbsError.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err322];
                    } else {
                      vErrors.push(err322);
                    }
                    errors++;
                  }
                }
                if (data163.top1 !== undefined) {
                  let data166 = data163.top1;
                  if (!(typeof data166 == 'number' && isFinite(data166)) && data166 !== null) {
                    const err323 = {
                      instancePath: instancePath + '/int8/policy/final/top1',
                      schemaPath: '#/properties/int8/properties/policy/properties/final/properties/top1/type',
                      keyword: 'type',
                      params: { type: schema11.properties.int8.properties.policy.properties.final.properties.top1.type },
                      message: 'must be number,null',
                    };
                    if (vErrors === null) {
                      vErrors = [err323];
                    } else {
                      vErrors.push(err323);
                    }
                    errors++;
                  }
                }
              } else {
                const err324 = {
                  instancePath: instancePath + '/int8/policy/final',
                  schemaPath: '#/properties/int8/properties/policy/properties/final/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object',
                };
                if (vErrors === null) {
                  vErrors = [err324];
                } else {
                  vErrors.push(err324);
                }
                errors++;
              }
            }
            if (data155.kept !== undefined) {
              let data167 = data155.kept;
              if (Array.isArray(data167)) {
                const len36 = data167.length;
                for (let i36 = 0; i36 < len36; i36++) {
                  if (typeof data167[i36] !== 'string') {
                    const err325 = {
                      instancePath: instancePath + '/int8/policy/kept/' + i36,
                      schemaPath: '#/properties/int8/properties/policy/properties/kept/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string',
                    };
                    if (vErrors === null) {
                      vErrors = [err325];
                    } else {
                      vErrors.push(err325);
                    }
                    errors++;
                  }
                }
              } else {
                const err326 = {
                  instancePath: instancePath + '/int8/policy/kept',
                  schemaPath: '#/properties/int8/properties/policy/properties/kept/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array',
                };
                if (vErrors === null) {
                  vErrors = [err326];
                } else {
                  vErrors.push(err326);
                }
                errors++;
              }
            }
            if (data155.outcome !== undefined) {
              let data169 = data155.outcome;
              if (!(data169 === 'met' || data169 === 'met-as-is' || data169 === 'all-kept')) {
                const err327 = {
                  instancePath: instancePath + '/int8/policy/outcome',
                  schemaPath: '#/properties/int8/properties/policy/properties/outcome/enum',
                  keyword: 'enum',
                  params: { allowedValues: schema11.properties.int8.properties.policy.properties.outcome.enum },
                  message: 'must be equal to one of the allowed values',
                };
                if (vErrors === null) {
                  vErrors = [err327];
                } else {
                  vErrors.push(err327);
                }
                errors++;
              }
            }
            if (data155.evaluations !== undefined) {
              let data170 = data155.evaluations;
              if (!(typeof data170 == 'number' && !(data170 % 1) && !isNaN(data170) && isFinite(data170))) {
                const err328 = {
                  instancePath: instancePath + '/int8/policy/evaluations',
                  schemaPath: '#/definitions/count/type',
                  keyword: 'type',
                  params: { type: 'integer' },
                  message: 'must be integer',
                };
                if (vErrors === null) {
                  vErrors = [err328];
                } else {
                  vErrors.push(err328);
                }
                errors++;
              }
              if (typeof data170 == 'number' && isFinite(data170)) {
                if (data170 < 0 || isNaN(data170)) {
                  const err329 = {
                    instancePath: instancePath + '/int8/policy/evaluations',
                    schemaPath: '#/definitions/count/minimum',
                    keyword: 'minimum',
                    params: { comparison: '>=', limit: 0 },
                    message: 'must be >= 0',
                  };
                  if (vErrors === null) {
                    vErrors = [err329];
                  } else {
                    vErrors.push(err329);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err330 = {
              instancePath: instancePath + '/int8/policy',
              schemaPath: '#/properties/int8/properties/policy/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object',
            };
            if (vErrors === null) {
              vErrors = [err330];
            } else {
              vErrors.push(err330);
            }
            errors++;
          }
        }
      } else {
        const err331 = {
          instancePath: instancePath + '/int8',
          schemaPath: '#/properties/int8/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object',
        };
        if (vErrors === null) {
          vErrors = [err331];
        } else {
          vErrors.push(err331);
        }
        errors++;
      }
    }
  } else {
    const err332 = { instancePath, schemaPath: '#/type', keyword: 'type', params: { type: 'object' }, message: 'must be object' };
    if (vErrors === null) {
      vErrors = [err332];
    } else {
      vErrors.push(err332);
    }
    errors++;
  }
  validate10.errors = vErrors;
  return errors === 0;
}
