#!/usr/bin/env bash
# Regenerates the seed corpora under fuzz/seeds/<target>/ from small inputs
# written here and from the repository's fixtures. Needs only python3's
# standard library. Seeds are small, valid (or nearly valid) inputs; the
# fuzzers' own corpora grow in fuzz/corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf seeds
mkdir -p seeds/{screen_text,pack_roster,pack_school,image_meta,image_decode,request_proto}
python3 - <<'PY'
import base64, glob, json, os, struct, zlib

def w(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(f"seeds/{target}/{name}", "wb") as f:
        f.write(data)

# ---- screen_text: 6 header bytes (school, kind, handle, link bits,
# depicted bits, attested), then fields separated by U+001F.
def st(name, text, school=0, kind=1, handle=0, links=0, depicted=0, attested=1):
    w("screen_text", name, bytes([school, kind, handle, links, depicted, attested]) + text.encode())

st("named", "Congratulations to Oliver O'Brien, winner of our Year 4 spelling bee!")
st("consented_personal", "Well done Amelia Jones!", kind=2, handle=3)
st("forms", "JONES, Amelia; amelia-jones; #AmeliaJones; Amelia R. Jones; Jones's")
st("translit", "Lukasz Kowalski and Zoe Nguyen and Zo\u00eb Nguy\u1ec5n")
st("evasions", "what the f*ck, fvck, f u c k, fuuuck, 5h1t, @ss, ph\u0443ck \u2014 Scunthorpe assistant class Penistone")
st("invisible", "Ol\u200biver\u202e O\u2019Brien \ufeff\u00adAme\u2060lia\u00a0Jones")
st("spaces", "Oliver\u2003O'Brien Amelia\u3000Jones Zo\u00eb\u202fNguyen")
st("contact", "Call 07700 900123 or +44 (0)7700-900-456, mail jo.bloggs@gmail.com or jo [at] hotmail [dot] co [dot] uk; 12 Acacia Avenue, Oakfield OX1 3DD")
st("school_own", "Ring the office on 01632 960000, oakfield.sch.uk")
st("personal_brand", "Proud of Oakfield Primary! #OakfieldProud Learning together, growing together", kind=2, handle=3)
st("disclaimer", "Oakfield Primary sports day. Views are my own.", kind=0, handle=3)
st("links", "see bbc.co.uk/news and https://example-bad.com/x and http://b\u0431c.co.uk\x1fhttps://www.gov.uk/\x1fnot a url \x1fftp://[::1]:80/", links=0b111)
st("alt", "Look at our team!\x1fAmelia Jones holding the cup\x1fOliver O'Brien", depicted=0b11, attested=0)
st("unspecified", "Well done Oliver O'Brien", kind=0, handle=2)
st("riverside", "Well done Oliver O'Brien and Freya Jackson", school=1)
st("insults", "what an idiot, total moron, such a muppet")
st("fffd", "Oli\ufffdver O'Brien \ufffd\ufffd\ufffd")
st("mixed", "\u0410\u043c\u0435li\u0430 \u0408\u043enes \uff2f\uff4c\uff49\uff56\uff45\uff52 \U0001d40e'\U0001d401rien")
st("empty", "")

# ---- pack_roster: roster.csv text.
HEADER = "pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding\n"
for path in glob.glob("../fixtures/pack/schools/*/roster.csv"):
    school = path.split("/")[-2]
    w("pack_roster", f"fixture_{school}", open(path, "rb").read()[:4096])
w("pack_roster", "forms", "\ufeff" + HEADER +
  "P1,Amelia,,Rose Anne,Jones,6,Yes,n,2030-07-31,FALSE\n"
  "P2,\"Mary, Jane\",Mj,,\"O'Brien\",5,1,TRUE,,0\n"
  "P3,Aaliyah,,,Okafor-Williams,5,no,no,,no\n"
  "P4,Jan,,,van der Berg,5,no,no,,yes\n"
  "P5,Summer,,,Day,1,no,no,,no\n")
w("pack_roster", "errors", HEADER +
  "P1,A,,,B,6,maybe,yes,,no\nP1,C,,,D,6,yes,yes,31/07/2025,no\nP3,,,,E,6,yes,yes,,no\n")
w("pack_roster", "reordered", "family_name,given_name,pupil_id,safeguarding,consent_expires,photo_consent,name_consent,year_group,middle_names,preferred_name,extra\nJones,Amelia,P1,no,,yes,yes,6,,,x\n")
w("pack_roster", "wrong_header", "id,name\n1,x\n")

# ---- pack_school: first byte 0 = school.toml, 3 = lexicon TSV.
for path in glob.glob("../fixtures/pack/schools/*/school.toml"):
    school = path.split("/")[-2]
    w("pack_school", f"toml_{school}", b"\x00" + open(path, "rb").read())
w("pack_school", "toml_bad", b"\x00" + b'name = ""\nwebsite_domains = ["not a domain"]\nphone_numbers = ["12"]\nnope = 1\n')
w("pack_school", "toml_accounts", b"\x00" + b'name = "X"\naddresses = ["1 School Lane, Oakfield OX1 2AB"]\n[[official_accounts]]\nplatform = "x"\nhandle = "@"\n')
for path in sorted(glob.glob("../lexicons/*.tsv")):
    name = os.path.basename(path)[:-4]
    lines = open(path, encoding="utf-8").read().splitlines()
    keep = [l for l in lines if l.startswith("term\t")] + [l for l in lines if l and not l.startswith("#") and not l.startswith("term\t")][:40]
    w("pack_school", f"lexicon_{name}", b"\x03" + ("\n".join(keep) + "\n").encode())
w("pack_school", "lexicon_bad", b"\x03" + b"term\tcategory\tseverity\tnote\n*\tprofanity\tmild\tx\nfoo*\tnope\tmild\tx\nbar\tinsult\thuge\tx\nonly\ttwo\n")

# ---- images.
def png(w_, h_, extra=b"", colour=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    chans = {0: 1, 2: 3, 6: 4}[colour]
    raw = b"".join(b"\x00" + bytes((x * 16 + y * 8 + c * 40) & 255 for x in range(w_) for c in range(chans)) for y in range(h_))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w_, h_, 8, colour, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")), chunk

GPS_TIFF = b"MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a\0\0\0\0\0\x01\0\x02\0\x05\0\0\0\x03\0\0\0\x2c\0\0\0\0\0\0\0\x33\0\0\0\x01\0\0\0\x1e\0\0\0\x01\0\0\0\0\0\0\0\x01"
def desc_tiff(text):
    t = text.encode() + b"\0"
    # One IFD entry: ImageDescription (0x010E), ASCII, at offset 26.
    return b"II*\0\x08\0\0\0\x01\0\x0e\x01\x02\0" + struct.pack("<II", len(t), 26) + b"\0\0\0\0" + t
XMP = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       'exif:GPSLatitude="51,30.0N" exif:GPSLongitude="0,7.5W"><dc:description><rdf:Alt>'
       '<rdf:li xml:lang="x-default">Amelia Jones at sports day</rdf:li></rdf:Alt></dc:description>'
       '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()

plain, chunk = png(8, 8)
images = {
    "png_grey": plain,
    "png_rgb": png(12, 6, colour=2)[0],
    "png_rgba": png(6, 12, colour=6)[0],
    "png_exif_gps": png(8, 8, chunk(b"eXIf", GPS_TIFF))[0],
    "png_text": png(8, 8, chunk(b"tEXt", b"Description\0Oliver O'Brien")
                    + chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + XMP))[0],
    # Compressed text, and EXIF as ImageMagick writes it: a hex "Raw profile".
    "png_ztxt": png(8, 8, chunk(b"zTXt", b"Raw profile type exif\0\0" + zlib.compress(
                        b"\nexif\n%8d\n" % (len(GPS_TIFF) + 6) + (b"Exif\0\0" + GPS_TIFF).hex().encode() + b"\n"))
                    + chunk(b"iTXt", b"Comment\0\x01\0\0\0" + zlib.compress(b"Oliver O'Brien")))[0],
}

def seg(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
# An 8x8 flat grey baseline JPEG: every Huffman table holds one code.
DQT = seg(0xDB, b"\x00" + b"\x01" * 64)
SOF = seg(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
DHT = seg(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00") + seg(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
SOS = seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
def jpeg(*app):
    return b"\xFF\xD8" + b"".join(app) + DQT + SOF + DHT + SOS + b"\x3f" + b"\xFF\xD9"
images.update({
    "jpeg_tiny": jpeg(),
    "jpeg_exif_gps": jpeg(seg(0xE1, b"Exif\0\0" + GPS_TIFF)),
    "jpeg_exif_desc": jpeg(seg(0xE1, b"Exif\0\0" + desc_tiff("Oliver O'Brien"))),
    "jpeg_xmp_com_iptc": jpeg(seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP), seg(0xFE, b"Amelia Jones"),
                              seg(0xED, b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x12\x1c\x02\x78\0\x0eOliver O'Brien")),
    "jpeg_fixture": open("../fixtures/images/rocket.jpg", "rb").read(),
    "tiff_gps": GPS_TIFF,
    "gif_1x1": base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
    "webp_1x1": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
})
riff = lambda body: b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body
images["webp_exif"] = riff(images["webp_1x1"][12:] + b"EXIF" + struct.pack("<I", len(GPS_TIFF)) + GPS_TIFF)
for name, data in images.items():
    w("image_meta", name, data)
    w("image_decode", name, data)

# ---- request_proto: the fixture requests, protobuf-encoded by hand.
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
def ld(field, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(field << 3 | 2) + varint(len(data)) + data
def vi(field, n):
    return varint(field << 3) + varint(n)
KINDS = {"ACCOUNT_KIND_UNSPECIFIED": 0, "ACCOUNT_KIND_OFFICIAL": 1, "ACCOUNT_KIND_PERSONAL": 2}
def encode(req, content=None):
    out = ld(1, req.get("schoolId", ""))
    if "account" in req:
        a = req["account"]
        out += ld(2, ld(1, a.get("platform", "")) + ld(2, a.get("handle", "")) + vi(3, KINDS.get(a.get("kind"), 0)))
    p = req.get("post", {})
    body = ld(1, p.get("id", "")) + ld(2, p.get("text", ""))
    for l in p.get("links", []):
        body += ld(3, l)
    for at in p.get("attachments", []):
        a = ld(1, at.get("filename", "")) + ld(2, at.get("mediaType", ""))
        a += ld(3, content if content is not None else base64.b64decode(at.get("content", "")))
        a += ld(4, at.get("altText", ""))
        for d in at.get("depictedPupilIds", []):
            a += ld(5, d)
        a += vi(6, 1 if at.get("peopleAttested") else 0)
        body += ld(4, a)
    return out + ld(3, body)
for path in sorted(glob.glob("../fixtures/requests/*.json")):
    req = json.load(open(path))
    name = os.path.basename(path)[:-5]
    has_image = bool(req.get("post", {}).get("attachments"))
    w("request_proto", name, encode(req, images["jpeg_exif_gps"] if has_image else None))
w("request_proto", "unknown_kind", ld(1, "oakfield") + ld(2, vi(3, 42)) + ld(3, ld(2, "hello")))
w("request_proto", "png_attachment", encode({"schoolId": "oakfield", "post": {"text": "Sports day",
    "attachments": [{"filename": "a.png", "altText": "Amelia Jones", "depictedPupilIds": ["P0002"]}]}}, images["png_text"]))
PY
du -sh seeds; for d in seeds/*; do echo "$d: $(ls "$d" | wc -l) files, largest $(ls -S "$d" | head -1) $(stat -c %s "$d/$(ls -S "$d" | head -1)") bytes"; done
