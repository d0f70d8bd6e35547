/** The classification data type: a probability for each label. */
package org.chimp.api.classification;
