package dev.roundtrip.transport.internal.conn;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.internal.ProxyConfig;

/**
 * Asks a SOCKS5 proxy to connect to the destination (RFC 1928), on a socket connected to
 * the proxy:
 * <ol>
 * <li>Greeting: the methods offered, "no authentication", and "username/password" when
 * the proxy URL has credentials.</li>
 * <li>Username/password sub-negotiation (RFC 1929) if the proxy chose it.</li>
 * <li>{@code CONNECT} to the destination's host name (address type 3), which the proxy
 * resolves, or to its IP literal (types 1 and 4).</li>
 * </ol>
 * Every reply is read within what is left of the dial timeout. A refusal names the proxy
 * and its reply code. Go: {@code golang.org/x/net/internal/socks}'s
 * {@code (*Dialer).connect}.
 */
final class SocksHandshake {

	private static final int VERSION = 5;

	private static final int NO_AUTH = 0;

	private static final int USER_PASSWORD = 2;

	private static final int NO_ACCEPTABLE_METHODS = 0xff;

	private static final int CONNECT = 1;

	private static final int IPV4 = 1;

	private static final int DOMAIN_NAME = 3;

	private static final int IPV6 = 4;

	private final Socket socket;

	private final ProxyConfig.Proxy proxy;

	private final String target;

	private final int timeoutMillis;

	private final long deadline;

	private SocksHandshake(Socket socket, ProxyConfig.Proxy proxy, Destination destination, int timeoutMillis) {
		this.socket = socket;
		this.proxy = proxy;
		this.target = destination.authority();
		this.timeoutMillis = (timeoutMillis > 0) ? timeoutMillis : ProxyTunnel.DEFAULT_CONNECT_TIMEOUT_MILLIS;
		this.deadline = System.nanoTime() + this.timeoutMillis * 1_000_000L;
	}

	/**
	 * Connects {@code socket}, connected to {@code proxy}, on to {@code destination}
	 * within {@code timeoutMillis} (0 for
	 * {@link ProxyTunnel#DEFAULT_CONNECT_TIMEOUT_MILLIS}, as for {@code CONNECT}). The
	 * caller closes the socket if this throws.
	 */
	static void open(Socket socket, ProxyConfig.Proxy proxy, Destination destination, int timeoutMillis)
			throws IOException {
		new SocksHandshake(socket, proxy, destination, timeoutMillis).run(destination);
	}

	private void run(Destination destination) throws IOException {
		OutputStream out = this.socket.getOutputStream();
		InputStream in = this.socket.getInputStream();
		boolean credentials = this.proxy.user() != null;
		out.write(credentials ? new byte[] { VERSION, 2, NO_AUTH, USER_PASSWORD } : new byte[] { VERSION, 1, NO_AUTH });
		out.flush();
		byte[] choice = read(in, 2, "its greeting");
		if (choice[0] != VERSION) {
			throw new ProtocolException("Proxy " + this.proxy.url() + " is not a SOCKS5 proxy: it answered version "
					+ (choice[0] & 0xff) + " to the greeting");
		}
		int method = choice[1] & 0xff;
		if (method == USER_PASSWORD && credentials) {
			authenticate(in, out);
		}
		else if (method != NO_AUTH) {
			throw new IOException("Proxy " + this.proxy.url() + " accepts none of the authentication methods offered ("
					+ (credentials ? "none, username/password" : "none; put credentials in the proxy URL") + "): "
					+ ((method == NO_ACCEPTABLE_METHODS) ? "reply 0xff (no acceptable methods)"
							: "it chose " + method));
		}
		out.write(connectRequest(destination));
		out.flush();
		byte[] reply = read(in, 4, "CONNECT " + this.target);
		if (reply[0] != VERSION) {
			throw new ProtocolException("Proxy " + this.proxy.url() + " answered CONNECT " + this.target
					+ " with version " + (reply[0] & 0xff));
		}
		int code = reply[1] & 0xff;
		if (code != 0) {
			throw new IOException("Proxy " + this.proxy.url() + " refused CONNECT " + this.target + ": reply " + code
					+ " (" + replyMeaning(code) + ")");
		}
		// The address the proxy connected from, which nothing here needs, then its port.
		int addressBytes = switch (reply[3] & 0xff) {
			case IPV4 -> 4;
			case IPV6 -> 16;
			case DOMAIN_NAME -> read(in, 1, "CONNECT " + this.target)[0] & 0xff;
			default -> throw new ProtocolException("Proxy " + this.proxy.url() + " answered CONNECT " + this.target
					+ " with address type " + (reply[3] & 0xff));
		};
		read(in, addressBytes + 2, "CONNECT " + this.target);
		this.socket.setSoTimeout(0);
	}

	/** RFC 1929: version 1, the user and the password, each at most 255 bytes. */
	private void authenticate(InputStream in, OutputStream out) throws IOException {
		byte[] user = this.proxy.user().getBytes(StandardCharsets.UTF_8);
		byte[] password = this.proxy.password().getBytes(StandardCharsets.UTF_8);
		if (user.length > 255 || password.length > 255) {
			throw new IOException("Proxy " + this.proxy.url() + ": a SOCKS5 user name and password are at most 255"
					+ " bytes each (RFC 1929)");
		}
		byte[] request = new byte[3 + user.length + password.length];
		request[0] = 1;
		request[1] = (byte) user.length;
		System.arraycopy(user, 0, request, 2, user.length);
		request[2 + user.length] = (byte) password.length;
		System.arraycopy(password, 0, request, 3 + user.length, password.length);
		out.write(request);
		out.flush();
		byte[] status = read(in, 2, "the username and password");
		if (status[1] != 0) {
			throw new IOException("Proxy " + this.proxy.url() + " refused the username and password in the proxy URL:"
					+ " status " + (status[1] & 0xff));
		}
	}

	private static byte[] connectRequest(Destination destination) throws IOException {
		String host = destination.host();
		byte[] ip = ProxyConfig.ipLiteral(host);
		byte[] address;
		int type;
		if (ip != null) {
			address = ip;
			type = (ip.length == 4) ? IPV4 : IPV6;
		}
		else {
			byte[] name = host.getBytes(StandardCharsets.US_ASCII);
			if (name.length > 255) {
				throw new IOException("Host name " + host + " is too long for SOCKS5 (at most 255 bytes)");
			}
			address = new byte[1 + name.length];
			address[0] = (byte) name.length;
			System.arraycopy(name, 0, address, 1, name.length);
			type = DOMAIN_NAME;
		}
		byte[] request = new byte[4 + address.length + 2];
		request[0] = VERSION;
		request[1] = CONNECT;
		request[3] = (byte) type;
		System.arraycopy(address, 0, request, 4, address.length);
		request[request.length - 2] = (byte) (destination.port() >> 8);
		request[request.length - 1] = (byte) destination.port();
		return request;
	}

	/** Exactly {@code n} bytes, within what is left of the deadline. */
	private byte[] read(InputStream in, int n, String answering) throws IOException {
		byte[] bytes = new byte[n];
		int read = 0;
		while (read < n) {
			long remaining = this.deadline - System.nanoTime();
			if (remaining <= 0) {
				throw timeout(answering);
			}
			this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, remaining / 1_000_000L)));
			int count;
			try {
				count = in.read(bytes, read, n - read);
			}
			catch (SocketTimeoutException ex) {
				throw timeout(answering);
			}
			if (count < 0) {
				throw new EOFException(
						"Proxy " + this.proxy.url() + " closed the connection instead of answering " + answering);
			}
			read += count;
		}
		return bytes;
	}

	private TransportTimeoutException timeout(String answering) {
		return new TransportTimeoutException(Limit.DIAL, "Proxy " + this.proxy.url() + " did not answer " + answering
				+ " within " + this.timeoutMillis + " ms (" + Limit.DIAL.setting() + ")");
	}

	/** RFC 1928, section 6. */
	private static String replyMeaning(int code) {
		return switch (code) {
			case 1 -> "general SOCKS server failure";
			case 2 -> "connection not allowed by ruleset";
			case 3 -> "network unreachable";
			case 4 -> "host unreachable";
			case 5 -> "connection refused";
			case 6 -> "TTL expired";
			case 7 -> "command not supported";
			case 8 -> "address type not supported";
			default -> "unassigned";
		};
	}

}
