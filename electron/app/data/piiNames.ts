/** Common English given names (a name list for the person-name heuristic; an honorific also marks a name). */
export const EN_GIVEN_NAMES = new Set(
  ("James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua " +
    "Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin " +
    "Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Peter Zachary Douglas Harold Kyle Carl Arthur " +
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle " +
    "Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen " +
    "Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren " +
    "Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail " +
    "Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori " +
    "Wei Li Ming Hui Jun Hao Xin Yan Ling Fang Ahmed Mohammed Fatima Carlos Juan Luis Miguel Sofia Lucia Hans Pierre Giulia Marco Yuki Hiroshi")
    .split(" "),
);

/** Words that follow an honorific but are not names ("Dr. Appointment", "Mr. Chairman"). */
export const EN_NOT_NAMES = new Set("Appointment Chairman President Speaker Secretary Justice Officer Manager Director Patient Client Court Office Hospital Clinic".split(" "));

export const EN_HONORIFICS = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Doctor|Judge|Attorney|Nurse|Sir|Madam";

/** The hundred most common Chinese surnames (single characters) and common two-character ones. */
export const ZH_SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
export const ZH_DOUBLE_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙"];

/** Titles after a Chinese name: 张伟先生, 李娜医生. */
export const ZH_TITLES = "先生|女士|小姐|太太|医生|大夫|护士|律师|法官|教授|老师|主任|经理|同志|院长|总";
/** Words before a Chinese name: 患者张伟, 原告李娜, 姓名：王芳. */
export const ZH_NAME_CUES = "患者|病人|病患|客户|当事人|原告|被告|委托人|申请人|被申请人|证人|家属|联系人|姓名[:：]?|签名[:：]?|由|致|请|甲方|乙方";
/** Characters that end a given name: a verb, particle or punctuation that cannot be part of it. */
export const ZH_NAME_STOP = "今于在的因是说来去和与已女男先等及也都将被把向对为从就要到了称诉年月日岁住";

/** Common Chinese surnames in pinyin (for names written in Latin letters). Short English words ("He", "Ma", "Yu")
 * count only beside a given name that reads as pinyin. */
export const PINYIN_SURNAMES = new Set(
  ("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng " +
    "Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng Su Wei Lv Lu Ding Ren Shen Yao Cui Zhong Tan Fan Jin Shi Liao Jia Xia Fu Fang Bai Zou Meng " +
    "Xiong Qin Qiu Yin Xue Yan Duan Lei Hou Long Tao Li Kong Mao Hao Gong Shao Wan Qian Dai Mo Xiang Ouyang Sima Zhuge Shangguan")
    .split(" "),
);
