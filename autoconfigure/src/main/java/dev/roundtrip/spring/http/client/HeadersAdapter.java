package dev.roundtrip.spring.http.client;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

import dev.roundtrip.transport.Headers;

/**
 * A response's transport {@link Headers} as the {@link MultiValueMap} Spring's
 * {@code HttpHeaders} wraps, so that the headers are read where they are rather than
 * copied into a map of lists per response (Spring's own Jetty and Reactor client
 * responses do the same). Names match ignoring case; each distinct name is a key, spelled
 * as first seen. Read-only: the transport's headers are immutable.
 */
final class HeadersAdapter extends AbstractMap<String, List<String>> implements MultiValueMap<String, String> {

	private final Headers headers;

	HeadersAdapter(Headers headers) {
		this.headers = headers;
	}

	@Override
	public @Nullable String getFirst(String key) {
		return this.headers.get(key);
	}

	@Override
	public @Nullable List<String> get(Object key) {
		if (!(key instanceof String name)) {
			return null;
		}
		List<String> values = this.headers.values(name);
		return values.isEmpty() ? null : values;
	}

	@Override
	public boolean containsKey(Object key) {
		return (key instanceof String name) && this.headers.contains(name);
	}

	@Override
	public boolean isEmpty() {
		return this.headers.isEmpty();
	}

	@Override
	public int size() {
		int distinct = 0;
		for (int i = 0; i < this.headers.size(); i++) {
			if (isFirstOfItsName(i)) {
				distinct++;
			}
		}
		return distinct;
	}

	/** Whether the header at {@code index} is the first of its name. */
	private boolean isFirstOfItsName(int index) {
		String name = this.headers.name(index);
		for (int j = 0; j < index; j++) {
			if (this.headers.name(j).equalsIgnoreCase(name)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public Set<Entry<String, List<String>>> entrySet() {
		return new AbstractSet<>() {

			@Override
			public Iterator<Entry<String, List<String>>> iterator() {
				return new Iterator<>() {

					private int next = advance(0);

					private int advance(int from) {
						int i = from;
						while (i < HeadersAdapter.this.headers.size() && !isFirstOfItsName(i)) {
							i++;
						}
						return i;
					}

					@Override
					public boolean hasNext() {
						return this.next < HeadersAdapter.this.headers.size();
					}

					@Override
					public Entry<String, List<String>> next() {
						if (!hasNext()) {
							throw new NoSuchElementException();
						}
						String name = HeadersAdapter.this.headers.name(this.next);
						this.next = advance(this.next + 1);
						return new SimpleImmutableEntry<>(name, HeadersAdapter.this.headers.values(name));
					}

				};
			}

			@Override
			public int size() {
				return HeadersAdapter.this.size();
			}

		};
	}

	@Override
	public Map<String, String> toSingleValueMap() {
		Map<String, String> map = new LinkedHashMap<>();
		for (Entry<String, List<String>> entry : entrySet()) {
			map.put(entry.getKey(), entry.getValue().get(0));
		}
		return map;
	}

	@Override
	public void add(String key, @Nullable String value) {
		throw readOnly();
	}

	@Override
	public void addAll(String key, List<? extends String> values) {
		throw readOnly();
	}

	@Override
	public void addAll(MultiValueMap<String, String> values) {
		throw readOnly();
	}

	@Override
	public void set(String key, @Nullable String value) {
		throw readOnly();
	}

	@Override
	public void setAll(Map<String, String> values) {
		throw readOnly();
	}

	@Override
	public @Nullable List<String> put(String key, List<String> value) {
		throw readOnly();
	}

	@Override
	public @Nullable List<String> remove(Object key) {
		throw readOnly();
	}

	@Override
	public void clear() {
		throw readOnly();
	}

	private static UnsupportedOperationException readOnly() {
		return new UnsupportedOperationException("Response headers are read-only");
	}

}
