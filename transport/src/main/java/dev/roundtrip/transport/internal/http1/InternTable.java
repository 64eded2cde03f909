package dev.roundtrip.transport.internal.http1;

import java.nio.charset.StandardCharsets;

/**
 * Well-known strings looked up straight from the read buffer, so that the common header
 * names, values and reason phrases of a response cost no allocation. An open-addressing
 * hash table built once; lookups compare bytes.
 */
final class InternTable {

	/** Header names, returned in their canonical spelling whatever the server's case. */
	static final InternTable HEADER_NAMES = new InternTable(true, "Accept-Ranges", "Access-Control-Allow-Credentials",
			"Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin",
			"Access-Control-Expose-Headers", "Access-Control-Max-Age", "Age", "Allow", "Alt-Svc", "Cache-Control",
			"Connection", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
			"Content-Location", "Content-Range", "Content-Security-Policy", "Content-Type", "Date", "ETag", "Expires",
			"Keep-Alive", "Last-Modified", "Link", "Location", "Pragma", "Proxy-Authenticate", "Proxy-Connection",
			"Referrer-Policy", "Retry-After", "Server", "Set-Cookie", "Strict-Transport-Security", "Trailer",
			"Transfer-Encoding", "Upgrade", "Vary", "Via", "Warning", "WWW-Authenticate", "X-Content-Type-Options",
			"X-Frame-Options", "X-Powered-By", "X-Request-Id", "X-XSS-Protection");

	/** Header values, matched exactly (values are case-sensitive in general). */
	static final InternTable HEADER_VALUES = new InternTable(false, "0", "application/json",
			"application/json; charset=utf-8", "application/json;charset=UTF-8", "application/octet-stream", "bytes",
			"chunked", "close", "Close", "gzip", "keep-alive", "Keep-Alive", "max-age=0", "no-cache", "no-store",
			"nosniff", "text/html", "text/html; charset=utf-8", "text/html; charset=UTF-8", "text/html;charset=UTF-8",
			"text/plain", "text/plain; charset=utf-8", "text/plain; charset=UTF-8", "text/plain;charset=UTF-8",
			"Accept-Encoding", "Origin", "nginx", "Apache", "DENY", "SAMEORIGIN", "*");

	/** Reason phrases, matched exactly. */
	static final InternTable REASONS = new InternTable(false, "OK", "Created", "Accepted", "No Content",
			"Partial Content", "Moved Permanently", "Found", "See Other", "Not Modified", "Temporary Redirect",
			"Permanent Redirect", "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed",
			"Request Timeout", "Conflict", "Gone", "Precondition Failed", "Too Many Requests", "Internal Server Error",
			"Bad Gateway", "Service Unavailable", "Gateway Timeout", "Continue", "Switching Protocols",
			"Connection established");

	private final boolean ignoreCase;

	private final String[] strings;

	/**
	 * Each string's bytes, lower-cased when case is ignored; parallel to
	 * {@link #strings}.
	 */
	private final byte[][] keys;

	private final int mask;

	InternTable(boolean ignoreCase, String... strings) {
		this.ignoreCase = ignoreCase;
		int size = Integer.highestOneBit(strings.length * 4 - 1) << 1;
		this.strings = new String[size];
		this.keys = new byte[size][];
		this.mask = size - 1;
		for (String string : strings) {
			byte[] key = string.getBytes(StandardCharsets.ISO_8859_1);
			if (ignoreCase) {
				for (int i = 0; i < key.length; i++) {
					key[i] = lower(key[i]);
				}
			}
			int slot = hash(key, 0, key.length) & this.mask;
			while (this.keys[slot] != null) {
				slot = (slot + 1) & this.mask;
			}
			this.keys[slot] = key;
			this.strings[slot] = string;
		}
	}

	/** The well-known string spelled by {@code bytes[start, end)}, or {@code null}. */
	String lookup(byte[] bytes, int start, int end) {
		int slot = hash(bytes, start, end) & this.mask;
		byte[] key;
		while ((key = this.keys[slot]) != null) {
			if (matches(key, bytes, start, end)) {
				return this.strings[slot];
			}
			slot = (slot + 1) & this.mask;
		}
		return null;
	}

	/** The well-known string, or a new ISO-8859-1 string of {@code bytes[start, end)}. */
	String intern(byte[] bytes, int start, int end) {
		String known = lookup(bytes, start, end);
		return (known != null) ? known : new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
	}

	private boolean matches(byte[] key, byte[] bytes, int start, int end) {
		if (key.length != end - start) {
			return false;
		}
		for (int i = 0; i < key.length; i++) {
			byte b = bytes[start + i];
			if (key[i] != (this.ignoreCase ? lower(b) : b)) {
				return false;
			}
		}
		return true;
	}

	private int hash(byte[] bytes, int start, int end) {
		int hash = end - start;
		for (int i = start; i < end; i++) {
			hash = 31 * hash + (this.ignoreCase ? lower(bytes[i]) : bytes[i]);
		}
		return hash ^ (hash >>> 16);
	}

	private static byte lower(byte b) {
		return (b >= 'A' && b <= 'Z') ? (byte) (b + ('a' - 'A')) : b;
	}

}
