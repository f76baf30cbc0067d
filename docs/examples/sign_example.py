#!/usr/bin/env python3
"""Reference signer for Corridor transactions, written from docs/protocol.md alone.

It re-derives the worked example of docs/protocol.md section 10 with nothing but
Python's hashlib and textbook secp256k1 arithmetic (BIP-340), to show that the
document is enough to build a compatible wallet in another language. CTest runs it
(when python3 is present) and compares its output with the document.

Not constant-time: never use this code with real keys.
"""
import hashlib
def sha(b): return hashlib.sha256(b).digest()
def tagged(tag, m): t=sha(tag.encode()); return sha(t+t+m)
p=0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
n=0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G=(0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)
def add(P,Q):
    if P is None: return Q
    if Q is None: return P
    if P[0]==Q[0] and P[1]!=Q[1]: return None
    if P==Q: l=3*P[0]*P[0]*pow(2*P[1],p-2,p)%p
    else: l=(Q[1]-P[1])*pow(Q[0]-P[0],p-2,p)%p
    x=(l*l-P[0]-Q[0])%p; return (x,(l*(P[0]-x)-P[1])%p)
def mul(P,k):
    R=None
    for i in range(256):
        if (k>>i)&1: R=add(R,P)
        P=add(P,P)
    return R
def xb(x): return x.to_bytes(32,'big')
def sign(sk, m):
    P=mul(G,sk); d=sk if P[1]%2==0 else n-sk
    t=bytes(a^b for a,b in zip(xb(d), tagged("BIP0340/aux", bytes(32))))
    k0=int.from_bytes(tagged("BIP0340/nonce", t+xb(P[0])+m),'big')%n
    R=mul(G,k0); k=k0 if R[1]%2==0 else n-k0
    e=int.from_bytes(tagged("BIP0340/challenge", xb(R[0])+xb(P[0])+m),'big')%n
    return xb(R[0])+xb((k+e*d)%n), xb(P[0])
def le(v,n): return v.to_bytes(n,'little')
def varint(v):
    out=b''
    while v>=0x80: out+=bytes([(v&0x7f)|0x80]); v>>=7
    return out+bytes([v])
def vb(b): return varint(len(b))+b
sk=int("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef",16)
rk=int("c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b14e5c9",16)
spub=xb(mul(G,sk)[0]); rpub=xb(mul(G,rk)[0])
saddr=tagged("corridor/address", spub)[:20]; raddr=tagged("corridor/address", rpub)[:20]
payload=raddr+vb(b"USD")+le(1250,8)
body=bytes([1])+vb(b"corridor-local")+saddr+le(0,8)+le(100,8)+le(1,2)+vb(payload)+vb(b"INV-2026-0001")
txid=tagged("corridor/tx", body)
sig,_=sign(sk, txid)
raw=body+varint(1)+spub+sig
print("sender_address_bytes", saddr.hex())
print("body", body.hex())
print("id", txid.hex())
print("sig", sig.hex())
print("raw", raw.hex())
