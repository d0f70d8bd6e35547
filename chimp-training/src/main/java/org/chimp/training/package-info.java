/** The training plugin API: what a plugin declares, what it is given, what it returns. */
package org.chimp.training;
