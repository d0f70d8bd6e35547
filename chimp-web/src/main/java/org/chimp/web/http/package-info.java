/** The HTTP side of identity: who is calling (admin token, API token, session cookie), who may call what, login. */
package org.chimp.web.http;
