package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Counts the connections the server was sent requests on, as distinct client addresses
 * and ports: what the server saw, whatever the client believes.
 */
public class ServerConnections implements Filter {

	private final Set<String> remotes = ConcurrentHashMap.newKeySet();

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.remotes.add(request.getRemoteAddr() + ":" + request.getRemotePort());
		chain.doFilter(request, response);
	}

	/** Connections that carried a request since the last {@link #reset()}. */
	public int count() {
		return this.remotes.size();
	}

	public void reset() {
		this.remotes.clear();
	}

}
