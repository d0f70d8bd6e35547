/** The ONNX Runtime image classifier architecture: a model file, its labels and its preprocessing. */
package org.chimp.models.onnx;
