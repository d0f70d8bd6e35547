/** Tests of the ready-made tiny example models. */
package org.chimp.models.tiny;
