# Usage: python3 fts5.py CORPUS DB MIXFILE... (docs/performance.md, issue 12)
# SQLite FTS5 beside Vigie: one table of the sections of laws-canada
# (heading + text), unicode61 without diacritics + porter, bm25 with a
# snippet and the count of matches, queried in process from two threads.
import os, re, sqlite3, sys, threading, time
root = sys.argv[1]; db = sys.argv[2]; mixes = sys.argv[3:]
if not os.path.exists(db):
    con = sqlite3.connect(db)
    con.execute("create virtual table s using fts5(lang unindexed, act unindexed, heading, body, tokenize='porter unicode61 remove_diacritics 2')")
    t0 = time.time(); n = 0
    rows = []
    for lang in ("en", "fr"):
        for name in sorted(os.listdir(os.path.join(root, lang))):
            text = open(os.path.join(root, lang, name), encoding="utf-8").read()
            for part in re.split(r"\n(?=### )", text):
                if not part.startswith("### "): continue
                head, _, body = part.partition("\n")
                rows.append((lang, name, head[4:], body)); n += 1
    con.executemany("insert into s values (?,?,?,?)", rows); con.commit()
    print(f"fts5 build: {n} sections in {time.time()-t0:.1f} s (one core)")
    con.close()
def quote(q):
    words = re.findall(r"\w+", q)
    return " ".join('"%s"' % w for w in words) if words else None
for mix in mixes:
    qs = [quote(l.strip()) for l in open(mix, encoding="utf-8") if l.strip()]
    qs = [q for q in qs if q]
    lat = []; lock = threading.Lock(); idx = [0]
    def worker():
        con = sqlite3.connect(db, check_same_thread=False)
        while True:
            with lock:
                i = idx[0]; idx[0] += 1
            if i >= len(qs): return
            t = time.perf_counter()
            con.execute("select act, heading, snippet(s, 3, '<mark>', '</mark>', '…', 24), bm25(s) from s where s match ? order by bm25(s) limit 10", (qs[i],)).fetchall()
            con.execute("select count(*) from s where s match ?", (qs[i],)).fetchone()
            with lock: lat.append(time.perf_counter() - t)
    t0 = time.time(); th = [threading.Thread(target=worker) for _ in range(2)]
    [x.start() for x in th]; [x.join() for x in th]
    el = time.time() - t0; lat.sort()
    print(f"{os.path.basename(mix)}: {len(qs)} queries, {len(qs)/el:.0f}/s, p50 {lat[len(lat)//2]*1000:.1f} ms, p99 {lat[int(len(lat)*0.99)]*1000:.1f} ms")
